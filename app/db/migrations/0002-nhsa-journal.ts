// The insurance call journal, the msgid sequence, operator sign-ins and the reversal queue.
// Never edit this file once released: add a new numbered migration instead (start-up checks hashes).
export const sql = `
-- One row: the last msgid time and sequence handed out, so a msgid is never reused, even after a
-- restart, with several calls in one second, or when the clock goes back.
CREATE TABLE nhsa_msgid_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last_second TEXT NOT NULL,
  last_seq INTEGER NOT NULL
) STRICT;

-- Every call, written before it is sent and completed after.
CREATE TABLE nhsa_journal (
  id INTEGER PRIMARY KEY,
  msgid TEXT NOT NULL UNIQUE,
  infno TEXT NOT NULL,
  operator_id INTEGER REFERENCES operators(id),
  opter TEXT NOT NULL,
  psn_no TEXT,
  insuplc_admdvs TEXT,
  request TEXT NOT NULL CHECK (json_valid(request)),
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  duration_ms INTEGER,
  outcome TEXT NOT NULL DEFAULT 'pending'
    CHECK (outcome IN ('pending', 'ok', 'business_error', 'not_sent', 'unknown')),
  infcode TEXT,
  err_msg TEXT,
  response TEXT,
  warnings TEXT CHECK (warnings IS NULL OR json_valid(warnings)),
  source TEXT NOT NULL DEFAULT 'app',
  -- the process that sent it (process_leases.boot_id): only a dead owner's open calls are recovered
  owner TEXT
) STRICT;
CREATE INDEX nhsa_journal_started ON nhsa_journal(started_at);
CREATE INDEX nhsa_journal_infno ON nhsa_journal(infno, started_at);
CREATE INDEX nhsa_journal_outcome ON nhsa_journal(outcome) WHERE outcome IN ('pending', 'unknown');

-- Every process using this data folder (the till, browser mode, a CLI command) holds a lease it
-- renews; an open call whose owner's lease has lapsed was left by a crash, not by a live process.
CREATE TABLE process_leases (
  boot_id TEXT PRIMARY KEY,
  pid INTEGER NOT NULL,
  shell TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL
) STRICT;

CREATE TABLE nhsa_signins (
  operator_id INTEGER PRIMARY KEY REFERENCES operators(id),
  opter TEXT NOT NULL,
  sign_no TEXT NOT NULL,
  signed_in_at INTEGER NOT NULL,
  msgid TEXT NOT NULL
) STRICT;

-- Settlements (2102) and cancellations (2103) whose outcome is unknown, reversed with 2601 until
-- the center confirms. A row is never deleted: done rows are the record of what was reversed.
CREATE TABLE nhsa_reversals (
  id INTEGER PRIMARY KEY,
  omsgid TEXT NOT NULL UNIQUE REFERENCES nhsa_journal(msgid),
  oinfno TEXT NOT NULL CHECK (oinfno IN ('2102', '2103')),
  psn_no TEXT NOT NULL,
  insuplc_admdvs TEXT,
  operator_id INTEGER REFERENCES operators(id),
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done')),
  reason TEXT NOT NULL CHECK (reason IN ('unknown_outcome', 'manual', 'crash_recovery')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT,
  reversal_msgid TEXT,
  created_at INTEGER NOT NULL,
  done_at INTEGER
) STRICT;
CREATE INDEX nhsa_reversals_due ON nhsa_reversals(next_attempt_at) WHERE state = 'pending';
`;
