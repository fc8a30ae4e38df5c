// Operators, settings, encrypted secrets and the append-only audit log.
// Never edit this file once released: add a new numbered migration instead (start-up checks hashes).
export const sql = `
CREATE TABLE operators (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL COLLATE NOCASE UNIQUE,
  display_name TEXT NOT NULL,
  roles TEXT NOT NULL CHECK (json_valid(roles) AND json_type(roles) = 'array'),
  password_hash TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
  failed_attempts INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER,
  last_login_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL CHECK (json_valid(value)),
  updated_at INTEGER NOT NULL,
  updated_by INTEGER REFERENCES operators(id)
) STRICT;

CREATE TABLE secrets (
  key TEXT PRIMARY KEY,
  scheme TEXT NOT NULL,
  ciphertext BLOB NOT NULL,
  updated_at INTEGER NOT NULL,
  updated_by INTEGER REFERENCES operators(id)
) STRICT;

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  operator_id INTEGER REFERENCES operators(id),
  operator_name TEXT,
  action TEXT NOT NULL,
  screen TEXT,
  outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'denied', 'failed')),
  detail TEXT CHECK (detail IS NULL OR json_valid(detail))
) STRICT;
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_action ON audit_log(action, at);

-- The audit trail is evidence: the database itself refuses to change or remove a row.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
`;
