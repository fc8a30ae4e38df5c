// The sandbox center's catalogue side: versions and rows it published after its generated base catalogues,
// changed rows of the paged queries, and the pharmacy's uploaded catalogue mappings (3301/3302, read by 1317).
// The base catalogues themselves are generated deterministically and cached on disk, not stored here.
// Never edit this file once released: add a new numbered migration instead (start-up checks hashes).
export const sql = `
-- File catalogues (1301 …): versions published on top of the generated ones (tests: "a newer version").
CREATE TABLE catalogue_versions (
  catalogue TEXT NOT NULL,
  ver TEXT NOT NULL,
  ver_name TEXT NOT NULL,
  published_at TEXT NOT NULL,
  lines INTEGER NOT NULL CHECK (lines >= 0),
  PRIMARY KEY (catalogue, ver)
) STRICT;

CREATE TABLE catalogue_lines (
  catalogue TEXT NOT NULL,
  ver TEXT NOT NULL,
  line_no INTEGER NOT NULL,
  code TEXT NOT NULL,
  line TEXT NOT NULL,
  PRIMARY KEY (catalogue, ver, line_no),
  FOREIGN KEY (catalogue, ver) REFERENCES catalogue_versions (catalogue, ver)
) STRICT;
CREATE INDEX catalogue_lines_code ON catalogue_lines (code);

-- Paged queries (1304, 1312, 1318, 1319): rows changed after the generated base, newest last.
CREATE TABLE catalogue_query_rows (
  seq INTEGER PRIMARY KEY,
  catalogue TEXT NOT NULL,
  updt_time TEXT NOT NULL,
  row TEXT NOT NULL CHECK (json_valid(row))
) STRICT;
CREATE INDEX catalogue_query_rows_time ON catalogue_query_rows (catalogue, updt_time);

-- 3301 uploads: one row per mapping; 3302 sets vali_flag 0. 1317 answers from here.
CREATE TABLE catalogue_mappings (
  rid TEXT PRIMARY KEY,
  fixmedins_code TEXT NOT NULL,
  fixmedins_hilist_id TEXT NOT NULL,
  fixmedins_hilist_name TEXT NOT NULL,
  list_type TEXT NOT NULL,
  med_list_codg TEXT NOT NULL,
  begndate TEXT NOT NULL,
  enddate TEXT,
  aprvno TEXT,
  dosform TEXT,
  exct_cont TEXT,
  item_cont TEXT,
  prcunt TEXT,
  spec TEXT,
  pacspec TEXT,
  memo TEXT,
  vali_flag TEXT NOT NULL CHECK (vali_flag IN ('0', '1')),
  crte_time TEXT NOT NULL,
  updt_time TEXT NOT NULL,
  msgid TEXT NOT NULL,
  revoked_msgid TEXT
) STRICT;
CREATE INDEX catalogue_mappings_item ON catalogue_mappings (fixmedins_code, fixmedins_hilist_id);
CREATE INDEX catalogue_mappings_time ON catalogue_mappings (fixmedins_code, updt_time);
`;
