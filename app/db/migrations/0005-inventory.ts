// Inventory (进销存): stock documents (receiving, purchase return, stock change, stocktake) with their lines,
// the trace codes the pharmacy holds, and what the uploader needs to know about each upload_outbox row.
// Never edit this file once released: add a new numbered migration instead (start-up checks hashes).
//
// Quantities are base units as in 0004 (the split unit when the product has one, else the package).
export const sql = `
-- One table for every stock document; what differs by kind is said in its columns' comments.
--   receiving        采购入库 (3503): a supplier's delivery, one line per product and batch
--   purchase_return  采购退货 (3504): goods sent back to the supplier from a batch
--   change           库存变动 (3502): 报损, 报溢, 调拨, 赠药, 初始化, 更正 … (chg_type = inv_chg_type)
--   stocktake        盘点: count sheets; approved differences become 3502 (103/104), the counts 3501
-- States: draft (being filled) → posted (stock moved, uploads queued); a stocktake is counting in draft,
-- submitted for approval, then approved (posted) or cancelled.
CREATE TABLE stock_docs (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('receiving', 'purchase_return', 'change', 'stocktake')),
  doc_no TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'posted', 'cancelled')),
  -- change: the inv_chg_type code (app/inventory/change-types.ts maps the screen's reasons to it)
  chg_type TEXT,
  -- change: 1 = 库存更正, a manager's correction of a wrong quantity (audited, reason required)
  correction INTEGER NOT NULL DEFAULT 0 CHECK (correction IN (0, 1)),
  supplier TEXT,
  supplier_license TEXT,
  delivery_no TEXT,
  invoice_code TEXT,
  invoice_no TEXT,
  -- purchase_return: the receiving it returns goods of (optional: a batch may predate the system)
  orig_doc_id INTEGER REFERENCES stock_docs(id),
  -- stocktake: the count date (YYYY-MM-DD), and what it covers (all stock, or a note such as a shelf)
  invdate TEXT,
  scope TEXT,
  reason TEXT,
  operator_id INTEGER NOT NULL REFERENCES operators(id),
  approved_by INTEGER REFERENCES operators(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  posted_at INTEGER
) STRICT;
CREATE INDEX stock_docs_kind ON stock_docs(kind, created_at);

CREATE TABLE stock_doc_lines (
  id INTEGER PRIMARY KEY,
  doc_id INTEGER NOT NULL REFERENCES stock_docs(id),
  product_id INTEGER NOT NULL REFERENCES products(id),
  -- the batch once it exists (a receiving creates it when posted)
  batch_id INTEGER REFERENCES stock_batches(id),
  batch_no TEXT NOT NULL,
  mfg_date TEXT,
  expiry_date TEXT,
  -- receiving / purchase_return: base units moved (> 0); change: the signed delta;
  -- stocktake: the counted quantity (NULL while not counted)
  qty_base INTEGER,
  -- stocktake: what the books held when the sheet was made
  book_qty_base INTEGER,
  -- receiving / purchase_return: purchase price per package; change: the price reported with it
  price_fen INTEGER CHECK (price_fen IS NULL OR price_fen >= 0),
  -- receiving: 赠品 (prod_geay_flag)
  gift INTEGER NOT NULL DEFAULT 0 CHECK (gift IN (0, 1)),
  counted_by INTEGER REFERENCES operators(id),
  counted_at INTEGER,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX stock_doc_lines_doc ON stock_doc_lines(doc_id);
CREATE INDEX stock_doc_lines_batch ON stock_doc_lines(batch_id);

-- Document numbers per prefix and day: RK/TH/BD/PD + yyyyMMdd + 4 digits.
CREATE TABLE doc_counters (
  prefix TEXT NOT NULL,
  day TEXT NOT NULL,
  last INTEGER NOT NULL,
  PRIMARY KEY (prefix, day)
) STRICT;

-- 药品追溯码 the pharmacy holds: tied to its batch at receiving, released at sale.
--   in_stock  on the shelf        sold    sold whole (a later sale of the same code is a duplicate)
--   opened    拆零: pieces sold, the box is still on the shelf
--   out       left by a purchase return or a stock change (报损, 调拨出库 …)
CREATE TABLE trace_codes (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  code TEXT NOT NULL,
  product_id INTEGER NOT NULL REFERENCES products(id),
  batch_id INTEGER NOT NULL REFERENCES stock_batches(id),
  state TEXT NOT NULL CHECK (state IN ('in_stock', 'sold', 'opened', 'out')),
  doc_line_id INTEGER REFERENCES stock_doc_lines(id),
  sale_line_id INTEGER REFERENCES sale_lines(id),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX trace_codes_batch ON trace_codes(batch_id, state);

-- Stock by batch and expiry is listed over tens of thousands of batches: expiry-ordered scans.
CREATE INDEX stock_batches_expiry ON stock_batches(expiry_date, id) WHERE qty_base > 0;

-- The uploader's bookkeeping on each outbox row.
--   bchno       fixmedins_bchno of the record: rows of one batch go out in the order they were written
--   in_doubt    a call carrying the row got no answer: it is looked up at the center (3508–3511) before it
--               is sent again, so nothing is reported twice
--   msgid, via  the last call that carried it and the interface used (e.g. 3505A for a batch)
--   center_msg  what the center said when it refused the row (shown on the uploads screen)
ALTER TABLE upload_outbox ADD COLUMN bchno TEXT GENERATED ALWAYS AS (coalesce(
  json_extract(payload, '$.selinfo.fixmedins_bchno'), json_extract(payload, '$.invinfo.fixmedins_bchno'),
  json_extract(payload, '$.purcinfo.fixmedins_bchno'), json_extract(payload, '$.data.fixmedins_bchno'))) VIRTUAL;
ALTER TABLE upload_outbox ADD COLUMN in_doubt INTEGER NOT NULL DEFAULT 0 CHECK (in_doubt IN (0, 1));
ALTER TABLE upload_outbox ADD COLUMN msgid TEXT;
ALTER TABLE upload_outbox ADD COLUMN via TEXT;
ALTER TABLE upload_outbox ADD COLUMN sent_at INTEGER;
ALTER TABLE upload_outbox ADD COLUMN center_msg TEXT;
CREATE INDEX upload_outbox_state ON upload_outbox(state, id);
CREATE INDEX upload_outbox_bchno ON upload_outbox(bchno, id);
`;
