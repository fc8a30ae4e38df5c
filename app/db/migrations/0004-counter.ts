// The counter: stock by batch (what a sale takes from), sales with their lines, trace codes, payments and
// insurance settlement, the GSP records a sale needs (prescriptions, the special-drug register), and the
// upload outbox (a sale's 3505 waits there for the uploader of the inventory issue).
// Never edit this file once released: add a new numbered migration instead (start-up checks hashes).
//
// Quantities are integers in the product's smallest unit ("base unit"): the split unit (拆零) when the
// product has one (products.split_factor base units make one package), else the package itself.
export const sql = `
-- Stock per product and batch. The inventory issue receives into it; the counter sells from it,
-- first expiry first out. Dates are YYYY-MM-DD (local date).
CREATE TABLE stock_batches (
  id INTEGER PRIMARY KEY,
  product_id INTEGER NOT NULL REFERENCES products(id),
  batch_no TEXT NOT NULL,
  mfg_date TEXT,
  expiry_date TEXT NOT NULL CHECK (expiry_date GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
  supplier TEXT,
  purchase_price_fen INTEGER CHECK (purchase_price_fen IS NULL OR purchase_price_fen >= 0),
  qty_base INTEGER NOT NULL CHECK (qty_base >= 0),
  -- 1 = not to be sold (quality hold, recall); expired batches are refused by date, not by this flag
  locked INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (product_id, batch_no)
) STRICT;
CREATE INDEX stock_batches_fefo ON stock_batches(product_id, expiry_date) WHERE qty_base > 0;

-- Every change of a batch's quantity, with its cause. Rows are never changed or removed.
CREATE TABLE stock_ledger (
  id INTEGER PRIMARY KEY,
  batch_id INTEGER NOT NULL REFERENCES stock_batches(id),
  product_id INTEGER NOT NULL REFERENCES products(id),
  delta_base INTEGER NOT NULL CHECK (delta_base != 0),
  cause TEXT NOT NULL,
  ref_type TEXT NOT NULL,
  ref_id INTEGER NOT NULL,
  operator_id INTEGER REFERENCES operators(id),
  at INTEGER NOT NULL
) STRICT;
CREATE INDEX stock_ledger_ref ON stock_ledger(ref_type, ref_id);
CREATE INDEX stock_ledger_batch ON stock_ledger(batch_id, at);
CREATE TRIGGER stock_ledger_no_update BEFORE UPDATE ON stock_ledger BEGIN
  SELECT RAISE(ABORT, 'stock_ledger is append-only');
END;
CREATE TRIGGER stock_ledger_no_delete BEFORE DELETE ON stock_ledger BEGIN
  SELECT RAISE(ABORT, 'stock_ledger is append-only');
END;

-- product_stock (what search ranks by) is the sum of the batches, kept here so no writer can forget it.
CREATE TRIGGER stock_batches_after_insert AFTER INSERT ON stock_batches BEGIN
  INSERT INTO product_stock (product_id, qty_base, updated_at) VALUES (NEW.product_id, NEW.qty_base, NEW.updated_at)
  ON CONFLICT (product_id) DO UPDATE SET qty_base = qty_base + NEW.qty_base, updated_at = NEW.updated_at;
END;
CREATE TRIGGER stock_batches_after_update AFTER UPDATE OF qty_base ON stock_batches BEGIN
  UPDATE product_stock SET qty_base = qty_base + NEW.qty_base - OLD.qty_base, updated_at = NEW.updated_at
   WHERE product_id = NEW.product_id;
END;

-- A sale (or a refund, kind = 'refund', pointing at the sale it returns). States:
--   open        the cart at the counter (persisted with every change, so a crash never loses it)
--   parked      挂单: put aside, resumed later
--   presettled  2101 answered: the fund split is on screen
--   settling    2102 is being sent; after a crash its journal row (ref 'sale:<id>') tells what happened
--   reversing   2102's outcome was unknown (or the sale did not record it): 2601 queued; the cart comes back
--               to the cashier once the center confirms the reversal
--   settled     insurance settled (stock taken, 3505 queued); the cash part is still to be paid
--   completed   paid; receipt printable
--   voided      given up before any settlement (nothing happened at the center)
--   refunded    (sale) returned in full by a refund row
CREATE TABLE sales (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL DEFAULT 'sale' CHECK (kind IN ('sale', 'refund')),
  orig_sale_id INTEGER REFERENCES sales(id),
  receipt_no TEXT UNIQUE,
  state TEXT NOT NULL CHECK (state IN ('open', 'parked', 'presettled', 'settling', 'reversing', 'settled',
    'completed', 'voided', 'refunded')),
  operator_id INTEGER NOT NULL REFERENCES operators(id),
  -- the person read with 1101 (JSON; full name and ID number: the register and the receipt need them)
  person TEXT CHECK (person IS NULL OR json_valid(person)),
  insutype TEXT,
  acct_used INTEGER NOT NULL DEFAULT 1 CHECK (acct_used IN (0, 1)),
  total_fen INTEGER NOT NULL DEFAULT 0 CHECK (total_fen >= 0),
  -- 2101 / 2102 answers as received (setlinfo, setldetail), amounts converted to fen alongside
  presettle TEXT CHECK (presettle IS NULL OR json_valid(presettle)),
  settle_msgid TEXT,
  setl_id TEXT,
  mdtrt_id TEXT,
  settlement TEXT CHECK (settlement IS NULL OR json_valid(settlement)),
  fund_fen INTEGER NOT NULL DEFAULT 0,
  acct_fen INTEGER NOT NULL DEFAULT 0,
  cash_due_fen INTEGER NOT NULL DEFAULT 0,
  paid_fen INTEGER NOT NULL DEFAULT 0,
  change_fen INTEGER NOT NULL DEFAULT 0,
  -- what the cashier must be told when this sale is next on screen (e.g. reversed after a crash)
  notice TEXT,
  pharmacist_id INTEGER REFERENCES operators(id),
  park_label TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  settled_at INTEGER,
  completed_at INTEGER
) STRICT;
CREATE INDEX sales_state ON sales(state) WHERE state NOT IN ('completed', 'voided', 'refunded');
CREATE INDEX sales_setl_id ON sales(setl_id) WHERE setl_id IS NOT NULL;
CREATE INDEX sales_completed ON sales(completed_at) WHERE completed_at IS NOT NULL;

CREATE TABLE sale_lines (
  id INTEGER PRIMARY KEY,
  sale_id INTEGER NOT NULL REFERENCES sales(id),
  product_id INTEGER NOT NULL REFERENCES products(id),
  batch_id INTEGER REFERENCES stock_batches(id),
  -- the batch was chosen by the cashier, not first-expiry-first-out
  batch_override INTEGER NOT NULL DEFAULT 0 CHECK (batch_override IN (0, 1)),
  split INTEGER NOT NULL DEFAULT 0 CHECK (split IN (0, 1)),
  qty INTEGER NOT NULL CHECK (qty > 0),
  qty_base INTEGER NOT NULL CHECK (qty_base > 0),
  unit TEXT NOT NULL,
  unit_price_fen INTEGER NOT NULL CHECK (unit_price_fen >= 0),
  amount_fen INTEGER NOT NULL CHECK (amount_fen >= 0),
  -- 费用明细流水号: unique across all sales, echoed by the center in detlcutinfo
  feedetl_sn TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sale_lines_sale ON sale_lines(sale_id);

-- 追溯码 scanned into a line; key is the normalised form duplicates are found by.
CREATE TABLE sale_trace_codes (
  id INTEGER PRIMARY KEY,
  sale_id INTEGER NOT NULL REFERENCES sales(id),
  line_id INTEGER NOT NULL REFERENCES sale_lines(id) ON DELETE CASCADE,
  code TEXT NOT NULL,
  key TEXT NOT NULL,
  split INTEGER NOT NULL DEFAULT 0 CHECK (split IN (0, 1)),
  created_at INTEGER NOT NULL,
  UNIQUE (sale_id, key)
) STRICT;
CREATE INDEX sale_trace_codes_key ON sale_trace_codes(key);

CREATE TABLE sale_payments (
  id INTEGER PRIMARY KEY,
  sale_id INTEGER NOT NULL REFERENCES sales(id),
  method TEXT NOT NULL CHECK (method IN ('cash', 'wechat', 'alipay', 'bankcard')),
  amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
  at INTEGER NOT NULL
) STRICT;
CREATE INDEX sale_payments_sale ON sale_payments(sale_id);

-- The prescription a prescription drug was sold against, and who checked it (GSP).
CREATE TABLE sale_prescriptions (
  sale_id INTEGER PRIMARY KEY REFERENCES sales(id),
  rx_no TEXT NOT NULL,
  prescriber TEXT NOT NULL,
  institution TEXT NOT NULL,
  pharmacist_id INTEGER NOT NULL REFERENCES operators(id),
  confirmed_at INTEGER NOT NULL
) STRICT;

-- 含麻黄碱类 and other special compound preparations: the buyer of each sale (the register report).
CREATE TABLE special_drug_sales (
  sale_id INTEGER PRIMARY KEY REFERENCES sales(id),
  buyer_name TEXT NOT NULL,
  buyer_id_no TEXT NOT NULL,
  id_source TEXT NOT NULL CHECK (id_source IN ('reader', 'typed', 'insurance')),
  created_at INTEGER NOT NULL
) STRICT;

-- Uploads to the center that must never be lost: written in the same transaction as what they report.
-- The counter writes 3505 (sale) / 3506 (sale return) rows; the inventory issue's uploader drains them.
CREATE TABLE upload_outbox (
  id INTEGER PRIMARY KEY,
  infno TEXT NOT NULL,
  ref_type TEXT NOT NULL,
  ref_id INTEGER NOT NULL,
  -- the interface input as it will be sent (JSON), built when the event happened
  payload TEXT NOT NULL CHECK (json_valid(payload)),
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'refused', 'deleted')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (infno, ref_type, ref_id)
) STRICT;
CREATE INDEX upload_outbox_due ON upload_outbox(state, next_attempt_at) WHERE state = 'pending';

-- Receipt numbers per day: S + yyyyMMdd + 4 digits, allocated inside the completing transaction.
CREATE TABLE receipt_counters (
  day TEXT PRIMARY KEY,
  last INTEGER NOT NULL
) STRICT;

-- A call made for something (e.g. 'sale:42') carries it, so after a crash the owner finds the call.
ALTER TABLE nhsa_journal ADD COLUMN ref TEXT;
CREATE INDEX nhsa_journal_ref ON nhsa_journal(ref, infno) WHERE ref IS NOT NULL;
`;
