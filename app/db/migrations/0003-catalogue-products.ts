// National catalogues and dictionaries (kept in sync with the center), the pharmacy's own product
// master, its mapping to national codes (3301/3302), and the on-hand summary search ranks by.
// Never edit this file once released: add a new numbered migration instead (start-up checks hashes).
export const sql = `
-- Rows of the file catalogues (1301 西药中成药, 1302 中药饮片, 1306/1306A 医用耗材, 1309 门慢门特病种,
-- 1320 中药配方颗粒) and of the 1304 民族药 query. A later version of a code replaces the earlier row.
CREATE TABLE nat_items (
  catalogue TEXT NOT NULL,
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  trade_name TEXT,
  spec TEXT,
  dosform TEXT,
  manufacturer TEXT,
  aprvno TEXT,
  otc_flag TEXT,
  chrgitm_lv TEXT,
  pinyin TEXT,
  vali_flag TEXT,
  ver TEXT NOT NULL,
  updt_time TEXT,
  -- every column as delivered (JSON array, file order), so nothing the center sent is lost
  cols TEXT NOT NULL CHECK (json_valid(cols)),
  PRIMARY KEY (catalogue, code)
) STRICT;
CREATE INDEX nat_items_code ON nat_items(code);
CREATE INDEX nat_items_aprvno ON nat_items(aprvno) WHERE aprvno IS NOT NULL AND aprvno != '';

-- A file being imported is staged in a TEMP table of the importing connection (created by the sync,
-- app/catalogue/sync/store.ts), not here: it is private, needs no fsync, and dies with a crashed process,
-- so no half-imported file can outlive the import or be seen by another connection.

-- 1312 医保目录: the insurance class (甲/乙/丙) and use limits of a national code.
CREATE TABLE hi_list (
  hilist_code TEXT NOT NULL,
  insu_admdvs TEXT NOT NULL DEFAULT '',
  begndate TEXT NOT NULL DEFAULT '',
  enddate TEXT,
  hilist_name TEXT,
  chrgitm_lv TEXT,
  med_chrgitm_type TEXT,
  lmt_used_flag TEXT,
  list_type TEXT,
  vali_flag TEXT,
  updt_time TEXT,
  row TEXT NOT NULL CHECK (json_valid(row)),
  PRIMARY KEY (hilist_code, insu_admdvs, begndate)
) STRICT;

-- 1317 医药机构目录匹配: what the center holds as this pharmacy's matches (its insurance items).
CREATE TABLE hi_list_map (
  medins_list_codg TEXT NOT NULL,
  med_list_codg TEXT NOT NULL,
  begndate TEXT NOT NULL DEFAULT '',
  enddate TEXT,
  list_type TEXT,
  insu_admdvs TEXT,
  vali_flag TEXT,
  updt_time TEXT,
  row TEXT NOT NULL CHECK (json_valid(row)),
  PRIMARY KEY (medins_list_codg, med_list_codg, begndate)
) STRICT;
CREATE INDEX hi_list_map_med ON hi_list_map(med_list_codg);

-- 1318 医保目录限价 (price ceilings, in fen) and 1319 先自付比例.
CREATE TABLE hi_price_limit (
  hilist_code TEXT NOT NULL,
  hilist_lmtpric_type TEXT NOT NULL DEFAULT '',
  insu_admdvs TEXT NOT NULL DEFAULT '',
  begndate TEXT NOT NULL DEFAULT '',
  enddate TEXT,
  overlmt_dspo_way TEXT,
  pric_uplmt_fen INTEGER,
  vali_flag TEXT,
  updt_time TEXT,
  row TEXT NOT NULL CHECK (json_valid(row)),
  PRIMARY KEY (hilist_code, hilist_lmtpric_type, insu_admdvs, begndate)
) STRICT;

CREATE TABLE hi_selfpay (
  hilist_code TEXT NOT NULL,
  selfpay_prop_psn_type TEXT NOT NULL DEFAULT '',
  selfpay_prop_type TEXT NOT NULL DEFAULT '',
  insu_admdvs TEXT NOT NULL DEFAULT '',
  begndate TEXT NOT NULL DEFAULT '',
  enddate TEXT,
  selfpay_prop TEXT,
  vali_flag TEXT,
  updt_time TEXT,
  row TEXT NOT NULL CHECK (json_valid(row)),
  PRIMARY KEY (hilist_code, selfpay_prop_psn_type, selfpay_prop_type, insu_admdvs, begndate)
) STRICT;

-- 1901 字典表
CREATE TABLE dict_items (
  type TEXT NOT NULL,
  value TEXT NOT NULL,
  admdvs TEXT NOT NULL DEFAULT '',
  label TEXT NOT NULL,
  parent_value TEXT,
  sort INTEGER,
  vali_flag TEXT,
  version TEXT,
  PRIMARY KEY (type, value, admdvs)
) STRICT;

-- How far each catalogue is synced: the version (file catalogues) or update time (queries) reached.
CREATE TABLE catalogue_sync_state (
  catalogue TEXT PRIMARY KEY,
  max_ver TEXT,
  max_updt_time TEXT,
  rows INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE catalogue_sync_runs (
  id INTEGER PRIMARY KEY,
  catalogue TEXT NOT NULL,
  trigger TEXT NOT NULL CHECK (trigger IN ('manual', 'scheduled', 'startup', 'cli')),
  operator_id INTEGER REFERENCES operators(id),
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  status TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'ok', 'failed', 'interrupted')),
  from_mark TEXT,
  to_mark TEXT,
  files INTEGER NOT NULL DEFAULT 0,
  rows_imported INTEGER NOT NULL DEFAULT 0,
  rows_skipped INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  report TEXT CHECK (report IS NULL OR json_valid(report))
) STRICT;
CREATE INDEX catalogue_sync_runs_started ON catalogue_sync_runs(started_at);

-- 本店商品: the pharmacy's own product master. Prices in fen.
CREATE TABLE products (
  id INTEGER PRIMARY KEY,
  -- NOCASE: the counter finds codes whatever their case, so 'a001' and 'A001' cannot be two products
  code TEXT NOT NULL UNIQUE COLLATE NOCASE,
  generic_name TEXT NOT NULL,
  trade_name TEXT,
  spec TEXT,
  dosage_form TEXT,
  manufacturer TEXT,
  aprvno TEXT,
  unit TEXT NOT NULL,
  split_unit TEXT,
  split_factor INTEGER CHECK (split_factor IS NULL OR split_factor >= 2),
  retail_price_fen INTEGER NOT NULL CHECK (retail_price_fen >= 0),
  member_price_fen INTEGER CHECK (member_price_fen IS NULL OR member_price_fen >= 0),
  split_price_fen INTEGER CHECK (split_price_fen IS NULL OR split_price_fen >= 0),
  rx_class TEXT NOT NULL CHECK (rx_class IN ('rx', 'otc_a', 'otc_b', 'non_drug')),
  special_flags TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(special_flags) AND json_type(special_flags) = 'array'),
  storage TEXT,
  category TEXT,
  nat_code TEXT,
  -- space-separated search keys (every reading of a polyphone, generic and trade name), kept by the
  -- product service; the in-memory search index is built from them without recomputing pinyin
  pinyin_initials TEXT NOT NULL DEFAULT '',
  pinyin_full TEXT NOT NULL DEFAULT '',
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  -- 拆零: a split unit needs its factor and the other way round; a split price needs a split unit
  CHECK ((split_unit IS NULL) = (split_factor IS NULL)),
  CHECK (split_price_fen IS NULL OR split_unit IS NOT NULL)
) STRICT;
CREATE INDEX products_aprvno ON products(aprvno) WHERE aprvno IS NOT NULL;
CREATE INDEX products_nat_code ON products(nat_code) WHERE nat_code IS NOT NULL;

CREATE TABLE product_barcodes (
  barcode TEXT PRIMARY KEY,
  product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE
) STRICT;
CREATE INDEX product_barcodes_product ON product_barcodes(product_id);

-- 目录对照: no row = 未对照; pending = 待上传; uploaded = 已上传; failed = 上传失败 (center_message says why);
-- revoking = 3302 sent, outcome not yet known; revoked = 已撤销. A 3301 whose outcome is unknown stays
-- pending with a note in center_message (3301 cannot be reversed with 2601, so it is retried instead).
CREATE TABLE product_mappings (
  product_id INTEGER PRIMARY KEY REFERENCES products(id),
  nat_code TEXT NOT NULL,
  catalogue TEXT NOT NULL,
  list_type TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'uploaded', 'failed', 'revoking', 'revoked')),
  center_message TEXT,
  confirmed_by INTEGER REFERENCES operators(id),
  confirmed_at INTEGER NOT NULL,
  uploaded_at INTEGER,
  last_msgid TEXT,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX product_mappings_state ON product_mappings(state);

-- On-hand quantity per product in base units, kept by the stock ledger (inventory), read by search.
CREATE TABLE product_stock (
  product_id INTEGER PRIMARY KEY REFERENCES products(id) ON DELETE CASCADE,
  qty_base INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL,
  -- set by the triggers below, never by the writer: the search index reads only the rows changed
  -- since it last looked, so a sale never forces a reload of every product's stock
  rev INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX product_stock_rev ON product_stock(rev);

-- Change counters the in-memory product search checks before each search (one row, one read): a write
-- by anything else (the stock ledger, another process on the same file) is noticed without polling tables.
CREATE TABLE product_index_clock (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  products_rev INTEGER NOT NULL,
  stock_rev INTEGER NOT NULL,
  stock_deletes INTEGER NOT NULL
) STRICT;
INSERT INTO product_index_clock (id, products_rev, stock_rev, stock_deletes) VALUES (1, 0, 0, 0);

CREATE TRIGGER product_stock_after_insert AFTER INSERT ON product_stock BEGIN
  UPDATE product_index_clock SET stock_rev = stock_rev + 1 WHERE id = 1;
  UPDATE product_stock SET rev = (SELECT stock_rev FROM product_index_clock WHERE id = 1)
   WHERE product_id = NEW.product_id;
END;
CREATE TRIGGER product_stock_after_update AFTER UPDATE OF qty_base ON product_stock BEGIN
  UPDATE product_index_clock SET stock_rev = stock_rev + 1 WHERE id = 1;
  UPDATE product_stock SET rev = (SELECT stock_rev FROM product_index_clock WHERE id = 1)
   WHERE product_id = NEW.product_id;
END;
CREATE TRIGGER product_stock_after_delete AFTER DELETE ON product_stock BEGIN
  UPDATE product_index_clock SET stock_deletes = stock_deletes + 1 WHERE id = 1;
END;
CREATE TRIGGER products_after_insert AFTER INSERT ON products BEGIN
  UPDATE product_index_clock SET products_rev = products_rev + 1 WHERE id = 1;
END;
CREATE TRIGGER products_after_update AFTER UPDATE ON products BEGIN
  UPDATE product_index_clock SET products_rev = products_rev + 1 WHERE id = 1;
END;
CREATE TRIGGER products_after_delete AFTER DELETE ON products BEGIN
  UPDATE product_index_clock SET products_rev = products_rev + 1 WHERE id = 1;
END;
CREATE TRIGGER product_barcodes_after_insert AFTER INSERT ON product_barcodes BEGIN
  UPDATE product_index_clock SET products_rev = products_rev + 1 WHERE id = 1;
END;
CREATE TRIGGER product_barcodes_after_update AFTER UPDATE ON product_barcodes BEGIN
  UPDATE product_index_clock SET products_rev = products_rev + 1 WHERE id = 1;
END;
CREATE TRIGGER product_barcodes_after_delete AFTER DELETE ON product_barcodes BEGIN
  UPDATE product_index_clock SET products_rev = products_rev + 1 WHERE id = 1;
END;
`;
