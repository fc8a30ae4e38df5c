// Inventory, second step: what the stock documents, the stock list and the uploader need beyond 0005.
// Never edit this file once released: add a new numbered migration instead (start-up checks hashes).
export const sql = `
-- change: the reason the screen chose (app/shared/inventory.ts CHANGE_REASONS). chg_type alone cannot say it:
-- 报损 and 其他出库 share 107, 报溢 and 其他入库 106 (app/inventory/change-types.ts). stock_docs.reason holds
-- the note typed with the document (why), for every kind.
ALTER TABLE stock_docs ADD COLUMN change_reason TEXT;

-- A document's view lists the trace codes each of its lines moved.
CREATE INDEX trace_codes_doc_line ON trace_codes(doc_line_id) WHERE doc_line_id IS NOT NULL;

-- The stock list over tens of thousands of batches (test/bench/stock-query.bench.ts):
-- the totals of the in-stock, near-expiry and expired lists counted on the index alone (0005's
-- stock_batches_expiry lacks the columns, so each count read every row);
CREATE INDEX stock_batches_listed ON stock_batches(expiry_date, id, qty_base) WHERE qty_base > 0;
-- the locked list (a handful of batches) without a scan;
CREATE INDEX stock_batches_locked ON stock_batches(expiry_date, id) WHERE locked = 1;
-- a batch number typed from the box, found by prefix whatever its case (LIKE 'b12%' uses this index).
CREATE INDEX stock_batches_batch_no ON stock_batches(batch_no COLLATE NOCASE);
-- a counter every change of a batch moves: the list's totals are counted once per change of the stock, not on
-- every page turn; and the number of batches in stock, kept as they change — the default list's total, read after
-- every sale without counting (app/inventory/stock-query.ts)
CREATE TABLE stock_version (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  n INTEGER NOT NULL,
  in_stock INTEGER NOT NULL
) STRICT;
INSERT INTO stock_version (id, n, in_stock) VALUES (1, 0, (SELECT count(*) FROM stock_batches WHERE qty_base > 0));
CREATE TRIGGER stock_version_insert AFTER INSERT ON stock_batches BEGIN
  UPDATE stock_version SET n = n + 1, in_stock = in_stock + (NEW.qty_base > 0) WHERE id = 1;
END;
CREATE TRIGGER stock_version_update AFTER UPDATE ON stock_batches BEGIN
  UPDATE stock_version SET n = n + 1, in_stock = in_stock + (NEW.qty_base > 0) - (OLD.qty_base > 0) WHERE id = 1;
END;
CREATE TRIGGER stock_version_delete AFTER DELETE ON stock_batches BEGIN
  UPDATE stock_version SET n = n + 1, in_stock = in_stock - (OLD.qty_base > 0) WHERE id = 1;
END;

-- The uploader over a backlog of tens of thousands of records (test/bench/upload-drain.bench.ts): the rows left in
-- doubt found without a scan, and the status bar's figures (oldest waiting, last sent) read from indexes, not from
-- every record's payload.
CREATE INDEX upload_outbox_doubt ON upload_outbox(state, id) WHERE in_doubt = 1;
CREATE INDEX upload_outbox_sent_at ON upload_outbox(sent_at) WHERE sent_at IS NOT NULL;
`;
