import path from 'node:path';
import crypto from 'node:crypto';
import { catalogueZipEntryName } from '../../nhsa/registry/catalogue-files';
import type { SandboxState } from '../state';
import { formatCompact, formatDate, formatDateTime, Dec } from '../wire';
import { CatalogueCache, zipText } from './cache';
import { CATALOGUE_LABELS, eolOf, FILE_INFNOS, lineOf, sizeOf, type FileInfno, type VersionPlan } from './generate';
import { mixSeed, mulberry32, textSeed } from './prng';
import { baseQueryRows, DECIMAL_FIELDS, queryKey, type QueryInfno, type QueryRowOut } from './paged';

/**
 * The sandbox center's national catalogues: the generated base (cached on disk), what was published on top of
 * it (in the sandbox database), the version loop 13xx answers from, the paged queries, file defects for tests,
 * and the code lookup 3301 validates against.
 */

export interface SandboxCatalogueOptions {
  /** size relative to the real one: 1 = 1301 with 150,000 codes (the default); tests use e.g. 0.02 */
  scale?: number;
  /** the most rows one 13xx file carries (default 50,000): a full pull takes several 13xx + 9102 rounds */
  fileRowCap?: number;
  /** where the generated catalogues are cached (default: the sandbox database's folder) */
  cacheDir?: string;
}

/** Ways to damage the next file of a catalogue (consumed by the next 13xx answer). */
export type CatalogueDefectKind =
  | 'truncated_zip'
  | 'corrupt_zip'
  | 'short_row'
  | 'extra_columns'
  | 'bad_date'
  | 'duplicate_code'
  | 'empty_code'
  | 'invalid_utf8';

export interface CatalogueDefect {
  infno: FileInfno;
  kind: CatalogueDefectKind;
  /** 1-based line the defect is put on (default: the middle of the file) */
  line?: number;
}

export interface VersionInfo {
  ver: string;
  verName: string;
  lines: number;
  published: boolean;
}

interface PublishedVersion {
  ver: string;
  ver_name: string;
  lines: number;
}

/** A file a 13xx answer names: its versions, their lines, the zip. */
interface BuiltFile {
  filename: string;
  zip: Uint8Array;
  lines: number;
  fromVer: string;
  toVer: string;
}

const FILE_VALID_MS = 2 * 3600 * 1000;

/** Version order, the sandbox's own reading of it: longer is newer, then text order. */
function verAfter(a: string, b: string): boolean {
  return a.length !== b.length ? a.length > b.length : a > b;
}

export type SandboxCatalogues = ReturnType<typeof createSandboxCatalogues>;

export function createSandboxCatalogues(
  state: SandboxState,
  opts: SandboxCatalogueOptions,
  dbPath: string,
  now: () => Date,
) {
  const scale = opts.scale ?? 1;
  const cap = opts.fileRowCap ?? 50_000;
  if (!(scale > 0) || !(cap >= 1)) throw new Error('sandbox catalogues: scale > 0 and fileRowCap >= 1 required');
  const cache = new CatalogueCache(opts.cacheDir ?? path.dirname(dbPath), scale, cap);
  const db = state.db;
  const defects: CatalogueDefect[] = [];
  const baseQueries = new Map<QueryInfno, QueryRowOut[]>();
  let codeSet: Set<string> | null = null;
  const codeCatalogue = new Map<string, FileInfno | '1304'>();

  const publishedOf = (infno: FileInfno) =>
    db
      .prepare('SELECT ver, ver_name, lines FROM catalogue_versions WHERE catalogue = ? ORDER BY length(ver), ver')
      .all(infno) as PublishedVersion[];
  const publishedLines = (infno: FileInfno, ver: string) =>
    db
      .prepare('SELECT line FROM catalogue_lines WHERE catalogue = ? AND ver = ? ORDER BY line_no')
      .pluck()
      .all(infno, ver) as string[];

  function versions(infno: FileInfno): VersionInfo[] {
    return [
      ...cache.index(infno).versions.map((v) => ({ ver: v.ver, verName: v.verName, lines: v.lines, published: false })),
      ...publishedOf(infno).map((p) => ({ ver: p.ver, verName: p.ver_name, lines: p.lines, published: true })),
    ];
  }

  /** The next file after `ver`: whole versions, as many as fit under the row cap (at least one). */
  function fileAfter(infno: FileInfno, ver: string): BuiltFile | null {
    const all = versions(infno);
    const from = all.findIndex((v) => verAfter(v.ver, ver));
    if (from < 0) return null;
    let to = from;
    let lines = all[from]!.lines;
    while (to + 1 < all.length && lines + all[to + 1]!.lines <= cap) lines += all[++to]!.lines;
    const fromVer = all[from]!.ver;
    const toVer = all[to]!.ver;
    // A real-looking name: 14 digits of time + 13 digits, stable for the same range (catalogue.md §1.2).
    const digest = crypto.createHash('sha1').update(`${infno}|${fromVer}|${toVer}|${scale}|${cap}`).digest();
    const tail = String(digest.readBigUInt64BE(0) % 10_000_000_000_000n).padStart(13, '0');
    const filename = `${toVer.slice(0, 8)}${toVer.slice(8).padStart(6, '0')}${tail}.txt.zip`;
    const entry = catalogueZipEntryName(filename);
    const mtime = new Date(`${toVer.slice(0, 4)}-${toVer.slice(4, 6)}-${toVer.slice(6, 8)}T12:00:00Z`);
    const defect = takeDefect(infno);
    const baseCount = cache.index(infno).versions.length;
    let zip: Uint8Array;
    if (to < baseCount && !defect) {
      zip = cache.zip(infno, from, to, entry, mtime);
    } else {
      const parts: Buffer[] = [];
      if (from < baseCount) parts.push(cache.text(infno, from, Math.min(to, baseCount - 1)));
      const eol = eolOf(infno);
      for (let i = Math.max(from, baseCount); i <= to; i++) {
        parts.push(Buffer.from(publishedLines(infno, all[i]!.ver).join(eol) + eol, 'utf8'));
      }
      let text: Uint8Array = Buffer.concat(parts);
      if (defect) text = damageText(text, defect, eol);
      zip = zipText(text, entry, mtime);
      if (defect) zip = damageZip(zip, defect);
    }
    return { filename, zip, lines, fromVer, toVer };
  }

  function takeDefect(infno: FileInfno): CatalogueDefect | undefined {
    const i = defects.findIndex((d) => d.infno === infno);
    return i < 0 ? undefined : defects.splice(i, 1)[0];
  }

  function loadCodes(): Set<string> {
    if (codeSet) return codeSet;
    const set = new Set<string>();
    for (const infno of FILE_INFNOS) {
      for (const c of cache.codes(infno)) {
        set.add(c);
        codeCatalogue.set(c, infno);
      }
    }
    for (const r of queryRows('1304')) {
      set.add(String(r.med_list_codg));
      codeCatalogue.set(String(r.med_list_codg), '1304');
    }
    codeSet = set;
    return set;
  }

  function baseRows(infno: QueryInfno): QueryRowOut[] {
    let rows = baseQueries.get(infno);
    if (!rows) baseQueries.set(infno, (rows = baseQueryRows(infno, scale)));
    return rows;
  }

  function extraRows(infno: QueryInfno, after: string): QueryRowOut[] {
    const dec = DECIMAL_FIELDS[infno];
    return (
      db
        .prepare('SELECT row FROM catalogue_query_rows WHERE catalogue = ? AND updt_time > ? ORDER BY updt_time, seq')
        .pluck()
        .all(infno, after) as string[]
    ).map((text) => {
      const r = JSON.parse(text) as QueryRowOut;
      for (const f of dec) if (typeof r[f] === 'string') r[f] = new Dec(r[f]);
      return r;
    });
  }

  /** Rows of a paged query updated after `after` (strictly), oldest first. */
  function queryRows(infno: QueryInfno, after = ''): QueryRowOut[] {
    const base = baseRows(infno);
    // base rows are sorted by updt_time: find the first newer one
    let lo = 0;
    let hi = base.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (String(base[mid]!.updt_time) > after) hi = mid;
      else lo = mid + 1;
    }
    return [...base.slice(lo), ...extraRows(infno, after)];
  }

  /** A time after every row the center has: the sandbox clock, or one second past the newest row. */
  function nextTime(latest: string): string {
    const t = formatDateTime(now());
    if (t > latest) return t;
    const d = new Date(`${latest.replace(' ', 'T')}+08:00`);
    return formatDateTime(new Date(d.getTime() + 1000));
  }

  return {
    options: { scale, fileRowCap: cap, cacheDir: cache.dir },

    versions,

    /** Builds (or reads from the cache) the next file after `ver`; null when there is nothing newer. */
    fileAfter,

    /** Stores a built file for 9102 (as catalogue files are served: fixmedins_code 'plc'), dropping expired ones. */
    publishFile(file: BuiltFile): { file_qury_no: string; dld_end_time: string } {
      db.prepare("DELETE FROM files WHERE fixmedins_code = 'plc' AND dld_endtime < ?").run(formatDateTime(now()));
      const row = state.storeFile('plc', file.filename, file.zip, FILE_VALID_MS);
      return { file_qury_no: row.file_qury_no, dld_end_time: formatDate(new Date(now().getTime() + FILE_VALID_MS)) };
    },

    /** The codes a complete sync of this file catalogue ends with (base and published). */
    codeList(infno: FileInfno): string[] {
      const published = db
        .prepare('SELECT code FROM catalogue_lines WHERE catalogue = ? AND line_no < 0 ORDER BY ver, line_no DESC')
        .pluck()
        .all(infno) as string[];
      return [...cache.codes(infno), ...published];
    },

    /** Distinct codes a complete sync of this file catalogue ends with. */
    expectedCodes(infno: FileInfno): number {
      return cache.index(infno).codes + newCodesPublished(infno);
    },

    /**
     * Publishes a newer version of a file catalogue: `newRows` new codes and `updates` re-issued existing ones.
     * Returns the version. Runs in its own transaction (from a test, not from a request).
     */
    publish(infno: FileInfno, o: { newRows?: number; updates?: number } = {}): { ver: string; lines: number } {
      return state.tx(() => {
        const all = versions(infno);
        const last = all[all.length - 1]!.ver;
        const seq = all.filter((v) => v.published).length + 1;
        let ver = `${formatCompact(now()).slice(0, 8)}001`;
        if (!verAfter(ver, last)) ver = String(BigInt(last) + 1n).padStart(last.length, '0');
        const plan: VersionPlan = {
          ver,
          verName: `${CATALOGUE_LABELS[infno]}沙箱发布第${seq}期`,
          day: now(),
          firstNew: sizeOf(infno, scale) + newCodesPublished(infno),
          newRows: o.newRows ?? 10,
          updates: [],
        };
        const rng = mulberry32(mixSeed(textSeed(`publish-${infno}`), seq));
        const chosen = new Set<number>();
        const pool = sizeOf(infno, scale);
        while (chosen.size < Math.min(pool, o.updates ?? 5)) chosen.add(Math.floor(rng() * pool));
        const lines: { code: string; line: string }[] = [];
        for (let i = plan.firstNew; i < plan.firstNew + plan.newRows; i++) lines.push(lineOf(infno, i, 0, plan));
        for (const i of chosen) lines.push(lineOf(infno, i, 100 + seq, plan));
        db.prepare(
          'INSERT INTO catalogue_versions (catalogue, ver, ver_name, published_at, lines) VALUES (?, ?, ?, ?, ?)',
        ).run(infno, ver, plan.verName, formatDateTime(now()), lines.length);
        const ins = db.prepare(
          'INSERT INTO catalogue_lines (catalogue, ver, line_no, code, line) VALUES (?, ?, ?, ?, ?)',
        );
        lines.forEach((l, n) => {
          // new codes get negative line numbers: a cheap way to count them (expectedCodes)
          const newCode = n < plan.newRows;
          ins.run(infno, ver, newCode ? -(n + 1) : n + 1, l.code, l.line);
          if (codeSet) {
            codeSet.add(l.code);
            codeCatalogue.set(l.code, infno);
          }
        });
        return { ver, lines: lines.length };
      });
    },

    /** Re-issues `count` rows of a paged query with a newer update time (and a changed value). */
    publishQuery(infno: QueryInfno, count = 5): number {
      return state.tx(() => {
        const all = queryRows(infno);
        const latest = all.length ? String(all[all.length - 1]!.updt_time) : '';
        const t = nextTime(latest);
        const rng = mulberry32(mixSeed(textSeed(`publish-${infno}`), all.length));
        const base = baseRows(infno);
        const ins = db.prepare('INSERT INTO catalogue_query_rows (catalogue, updt_time, row) VALUES (?, ?, ?)');
        const picked = new Set<number>();
        while (picked.size < Math.min(count, base.length)) picked.add(Math.floor(rng() * base.length));
        for (const i of picked) {
          const r: QueryRowOut = { ...base[i]!, updt_time: t, opt_time: t };
          if (infno === '1312') r.chrgitm_lv = r.chrgitm_lv === '01' ? '02' : '01';
          if (infno === '1304') r.ver = `${t.slice(0, 4)}${t.slice(5, 7)}${t.slice(8, 10)}001`;
          for (const f of DECIMAL_FIELDS[infno]) if (r[f] instanceof Dec) r[f] = (r[f] as Dec).text;
          if (infno === '1318') {
            const fen = Math.round(Number(r.hilist_pric_uplmt_amt) * 105);
            r.hilist_pric_uplmt_amt = `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
          }
          ins.run(infno, t, JSON.stringify(r));
        }
        return picked.size;
      });
    },

    queryRows,

    /** Distinct keys of a paged query (what a complete sync of it ends with). */
    queryKeyCount(infno: QueryInfno): number {
      return new Set(queryRows(infno).map((r) => queryKey(infno, r))).size;
    },

    /** Damages the next file of a catalogue (consumed by the next 13xx answer for it). */
    defect(d: CatalogueDefect): void {
      defects.push({ ...d });
    },

    clearDefects(): void {
      defects.length = 0;
    },

    /** Which catalogue a national code is in (base, published or 1304), undefined when none. */
    catalogueOf(code: string): FileInfno | '1304' | undefined {
      return loadCodes().has(code) ? codeCatalogue.get(code) : undefined;
    },
  };

  function newCodesPublished(infno: FileInfno): number {
    return db
      .prepare('SELECT count(*) FROM catalogue_lines WHERE catalogue = ? AND line_no < 0')
      .pluck()
      .get(infno) as number;
  }
}

/** Line-level damage to a file's text (before zipping). */
function damageText(text: Uint8Array, d: CatalogueDefect, eol: string): Uint8Array {
  if (d.kind === 'truncated_zip' || d.kind === 'corrupt_zip') return text;
  const lines = Buffer.from(text).toString('utf8').split(eol);
  const trailing = lines[lines.length - 1] === '' ? lines.pop() : undefined;
  const at = Math.min(lines.length, Math.max(2, d.line ?? Math.ceil(lines.length / 2))) - 1;
  const cells = lines[at]!.split('\t');
  switch (d.kind) {
    case 'short_row':
      lines[at] = cells.slice(0, Math.max(1, cells.length - 5)).join('\t');
      break;
    case 'extra_columns':
      for (let i = 0; i < lines.length; i++) lines[i] = `${lines[i]}\tnull\t附加列${i}`;
      break;
    case 'bad_date': {
      const i = cells.findIndex((c) => / CST \d{4}$/.test(c));
      cells[i < 0 ? 1 : i] = 'Tue Abc 45 25:61:00 CST 2021';
      lines[at] = cells.join('\t');
      break;
    }
    case 'duplicate_code': {
      // the previous line's code and version: two rows for one code in one version
      const prev = lines[at - 1]!.split('\t');
      cells[0] = prev[0]!;
      const verAt = prev.findIndex((c) => /^20\d{9}$/.test(c));
      if (verAt >= 0) cells[verAt] = prev[verAt]!;
      lines[at] = cells.join('\t');
      break;
    }
    case 'empty_code':
      cells[0] = 'null';
      lines[at] = cells.join('\t');
      break;
    case 'invalid_utf8': {
      const before = Buffer.from(lines.slice(0, at).join(eol) + eol, 'utf8');
      const after = Buffer.from(lines.slice(at).join(eol) + (trailing !== undefined ? eol : ''), 'utf8');
      return Buffer.concat([before, Buffer.from([0xff, 0xfe]), after]);
    }
  }
  return Buffer.from(lines.join(eol) + (trailing !== undefined ? eol : ''), 'utf8');
}

/** Transport damage to the zip itself. */
function damageZip(zip: Uint8Array, d: CatalogueDefect): Uint8Array {
  if (d.kind === 'truncated_zip') return zip.slice(0, Math.floor(zip.length * 0.6));
  if (d.kind === 'corrupt_zip') {
    const out = zip.slice();
    for (let i = 200; i < Math.min(out.length - 100, 240); i++) out[i] = out[i]! ^ 0x5a;
    return out;
  }
  return zip;
}
