// The sandbox center's own schema. It lives in its own SQLite file, never in the till's database.
// Never edit this file once released: add a new numbered migration instead (start-up checks hashes).
export const sql = `
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

-- Counters for generated identifiers (sign_no, setl_id, mdtrt_id, file_qury_no): kept in the
-- database so that ids never repeat across restarts and a fresh database always starts at 1.
CREATE TABLE sequences (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) STRICT;

CREATE TABLE persons (
  psn_no TEXT PRIMARY KEY,
  psn_name TEXT NOT NULL,
  psn_cert_type TEXT NOT NULL,
  certno TEXT NOT NULL UNIQUE,
  gend TEXT NOT NULL,
  naty TEXT NOT NULL,
  brdy TEXT NOT NULL,
  insuplc_admdvs TEXT NOT NULL,
  emp_name TEXT,
  card_no TEXT UNIQUE,
  card_sn TEXT,
  ec_token TEXT UNIQUE,
  entitled INTEGER NOT NULL CHECK (entitled IN (0, 1)),
  not_entitled_reason TEXT
) STRICT;

CREATE TABLE insurances (
  psn_no TEXT NOT NULL REFERENCES persons(psn_no),
  insutype TEXT NOT NULL,
  psn_type TEXT NOT NULL,
  psn_insu_stas TEXT NOT NULL,
  psn_insu_date TEXT NOT NULL,
  paus_insu_date TEXT,
  cvlserv_flag TEXT NOT NULL,
  emp_name TEXT,
  has_account INTEGER NOT NULL CHECK (has_account IN (0, 1)),
  balance_fen INTEGER NOT NULL DEFAULT 0 CHECK (balance_fen >= 0),
  PRIMARY KEY (psn_no, insutype)
) STRICT;

CREATE TABLE institutions (
  fixmedins_code TEXT PRIMARY KEY,
  fixmedins_name TEXT NOT NULL,
  uscc TEXT NOT NULL,
  fixmedins_type TEXT NOT NULL,
  hosp_lv TEXT
) STRICT;

CREATE TABLE practitioners (
  prac_psn_code TEXT PRIMARY KEY,
  prac_psn_name TEXT NOT NULL,
  prac_psn_type TEXT NOT NULL,
  psn_cert_type TEXT NOT NULL,
  certno TEXT NOT NULL,
  prac_psn_no TEXT,
  prac_psn_cert TEXT,
  prac_cert_no TEXT,
  hi_dr_flag TEXT NOT NULL,
  begntime TEXT NOT NULL
) STRICT;

CREATE TABLE sign_ins (
  sign_no TEXT PRIMARY KEY,
  fixmedins_code TEXT NOT NULL,
  opter TEXT NOT NULL,
  opter_no TEXT NOT NULL,
  mac TEXT,
  ip TEXT,
  signed_in_at TEXT NOT NULL,
  signed_out_at TEXT
) STRICT;

-- Every msgid the center has seen, whatever the outcome: a repeated msgid is refused.
CREATE TABLE messages (
  fixmedins_code TEXT NOT NULL,
  msgid TEXT NOT NULL,
  infno TEXT NOT NULL,
  received_at TEXT NOT NULL,
  infcode INTEGER NOT NULL CHECK (infcode IN (0, -1)),
  err_msg TEXT,
  PRIMARY KEY (fixmedins_code, msgid)
) STRICT;

-- Settlements (kind 'settle', from 2102) and cancellations (kind 'cancel', from 2103) in one table,
-- so that 2601 finds whatever a msgid produced with one lookup. Amounts are integer fen; a
-- cancellation stores negative amounts, as it answers them.
CREATE TABLE settlements (
  setl_id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('settle', 'cancel')),
  status TEXT NOT NULL CHECK (status IN ('active', 'cancelled', 'reversed')),
  orig_setl_id TEXT REFERENCES settlements(setl_id),
  cancel_setl_id TEXT,
  mdtrt_id TEXT NOT NULL,
  fixmedins_code TEXT NOT NULL,
  msgid TEXT NOT NULL,
  psn_no TEXT NOT NULL REFERENCES persons(psn_no),
  insutype TEXT NOT NULL,
  med_type TEXT NOT NULL,
  mdtrt_cert_type TEXT NOT NULL,
  setl_time TEXT NOT NULL,
  medfee_sumamt INTEGER NOT NULL,
  fulamt_ownpay_amt INTEGER NOT NULL,
  overlmt_selfpay INTEGER NOT NULL,
  preselfpay_amt INTEGER NOT NULL,
  inscp_scp_amt INTEGER NOT NULL,
  hifp_pay INTEGER NOT NULL,
  pool_prop TEXT NOT NULL,
  fund_pay_sumamt INTEGER NOT NULL,
  psn_part_amt INTEGER NOT NULL,
  acct_pay INTEGER NOT NULL,
  psn_cash_pay INTEGER NOT NULL,
  balc INTEGER NOT NULL,
  detlcutinfo TEXT NOT NULL CHECK (json_valid(detlcutinfo)),
  reversed_by_msgid TEXT,
  reversed_at TEXT,
  UNIQUE (fixmedins_code, msgid)
) STRICT;

CREATE TABLE files (
  file_qury_no TEXT PRIMARY KEY,
  fixmedins_code TEXT NOT NULL,
  filename TEXT NOT NULL,
  content BLOB NOT NULL,
  uploaded_at TEXT NOT NULL,
  dld_endtime TEXT NOT NULL
) STRICT;
`;
