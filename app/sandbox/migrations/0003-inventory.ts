// The sandbox center's inventory (进销存) ledger: every record a 35xx upload delivered, as the center accepted it,
// so that 3508–3511 can read them back and 3507 can withdraw them. Rows are never removed: 3507 sets deleted_at.
// Never edit this file once released: add a new numbered migration instead (start-up checks hashes).
export const sql = `
CREATE TABLE inv_records (
  id INTEGER PRIMARY KEY,                 -- the center's serial: rid / medins_prod_*_no in the queries
  fixmedins_code TEXT NOT NULL,
  infno TEXT NOT NULL CHECK (infno IN ('3501', '3502', '3503', '3504', '3505', '3506')),
  via_infno TEXT NOT NULL,                -- the call that delivered it: the single infno or its batch variant
  inv_data_type TEXT NOT NULL CHECK (inv_data_type IN ('1', '2', '3', '4')),
  fixmedins_bchno TEXT NOT NULL,
  med_list_codg TEXT NOT NULL,
  fixmedins_hilist_id TEXT NOT NULL,
  fixmedins_hilist_name TEXT NOT NULL,
  cnt TEXT NOT NULL,                      -- inv_cnt / cnt / purc_retn_cnt / sel_retn_cnt, decimal text as uploaded
  trdn_flag TEXT,
  record_time TEXT NOT NULL,              -- invdate / inv_chg_time / purc_retn_stoin_time / sel_retn_time as uploaded
  record_date TEXT NOT NULL,              -- its yyyy-MM-dd (Beijing, as uploaded): what the queries' ranges compare
  memo TEXT,
  row TEXT NOT NULL CHECK (json_valid(row)), -- the whole uploaded row, drugtracinfo included
  msgid TEXT NOT NULL,
  opter TEXT,
  opter_name TEXT,
  created_at TEXT NOT NULL,
  deleted_at TEXT,
  deleted_by_msgid TEXT
) STRICT;
CREATE INDEX inv_records_batch ON inv_records (fixmedins_code, inv_data_type, fixmedins_bchno);
CREATE INDEX inv_records_item ON inv_records (fixmedins_code, fixmedins_hilist_id);
CREATE INDEX inv_records_date ON inv_records (fixmedins_code, infno, record_date);
`;
