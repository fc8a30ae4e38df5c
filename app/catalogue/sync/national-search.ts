import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/connection';
import type { Logger } from '../../core/logger';
import type { NatItemHit } from '../../shared/contract';

/**
 * catalogue.searchNational: find national catalogue rows by code, name fragment, pinyin initials or approval
 * number, in a few milliseconds over 150,000+ rows.
 *
 * A LIKE '%…%' over nat_items reads every row (each carries ~1 KB of cols): a hundred milliseconds. Instead
 * the searchable keys of every row are kept in memory as long strings (keys separated by U+0001) and a query
 * is a String.indexOf loop over one of them, which V8 runs at memory speed. Latin keys (codes, pinyin, the
 * letters and digits of an approval number) and Chinese keys (names, full approval numbers) are two separate
 * strings: a Latin query then scans a one-byte string, which V8 searches several times faster than a two-byte
 * one. A hit right after a separator is a prefix hit and ranks higher. Exact codes and approval numbers also
 * go through nat_items' indexes.
 *
 * The keys are loaded on the first search (in slices, the event loop running in between), again after a sync
 * changed the catalogue (invalidate), and dropped when unused for ten minutes, so an idle till holds nothing.
 */

const SEP = '\u0001';
const IDLE_DROP_MS = 10 * 60 * 1000;
const BUILD_SLICE = 10_000;
/** A very common fragment stops after this many keys: enough to rank a page; one more character narrows it. */
const MAX_VISITS = 1000;

/** Key kinds, in rank order for a prefix hit. */
const Key = { Code: 0, Name: 1, Trade: 2, Pinyin: 3, Aprvno: 4 } as const;

interface KeyRow {
  rowid: number;
  catalogue: string;
  code: string;
  name: string;
  trade_name: string | null;
  pinyin: string | null;
  aprvno: string | null;
}

/** One long string of keys and, per key, where it starts, whose it is and what it is. */
interface Hay {
  text: string;
  starts: Int32Array;
  owners: Int32Array;
  kinds: Uint8Array;
}

interface Index {
  latin: Hay;
  cjk: Hay;
  rowids: Float64Array;
  catalogues: string[];
  nameLengths: Uint16Array;
}

interface DetailRow {
  rowid: number;
  catalogue: string;
  code: string;
  name: string;
  trade_name: string | null;
  spec: string | null;
  dosform: string | null;
  manufacturer: string | null;
  aprvno: string | null;
  chrgitm_lv: string | null;
}

/** Characters NFKC changes in practice here: full-width forms and the ideographic space. */
const NEEDS_NFKC = /[\u3000\uff01-\uff5e]/;
const NON_ASCII = /[^\u0020-\u007e]/;

/** The one form keys and queries are compared in: half-width, lower case, no spaces. */
export function normaliseQuery(s: string): string {
  const t = NEEDS_NFKC.test(s) ? s.normalize('NFKC') : s;
  return t.toLowerCase().replace(/\s+/g, '').replaceAll(SEP, '');
}

function toLevel(v: string | null): NatItemHit['chrgitmLv'] {
  if (!v) return null;
  if (v.startsWith('甲') || /^0*1$/.test(v)) return '甲';
  if (v.startsWith('乙') || /^0*2$/.test(v)) return '乙';
  if (v.startsWith('丙') || /^0*3$/.test(v)) return '丙';
  return null;
}

class HayBuilder {
  private readonly parts: string[] = [];
  private readonly starts: number[] = [];
  private readonly owners: number[] = [];
  private readonly kinds: number[] = [];
  private at = 0;

  add(slot: number, kind: number, key: string): void {
    this.starts.push(this.at + 1);
    this.owners.push(slot);
    this.kinds.push(kind);
    this.parts.push(SEP, key);
    this.at += 1 + key.length;
  }

  done(): Hay {
    return {
      text: this.parts.join(''),
      starts: Int32Array.from(this.starts),
      owners: Int32Array.from(this.owners),
      kinds: Uint8Array.from(this.kinds),
    };
  }
}

/** The key holding text offset `pos` (binary search from the previous hit's key: hits come in order). */
function keyAt(hay: Hay, pos: number, from: number): number {
  let lo = from;
  let hi = hay.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (hay.starts[mid]! <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export type NationalSearch = ReturnType<typeof createNationalSearch>;

export function createNationalSearch(db: Db, log: Logger, now: () => number = Date.now) {
  const slice = db.prepare(
    'SELECT rowid, catalogue, code, name, trade_name, pinyin, aprvno FROM nat_items WHERE rowid > ? ORDER BY rowid LIMIT ?',
  ) as Statement<[number, number], KeyRow>;
  const byCode = db.prepare('SELECT rowid FROM nat_items WHERE code = ?').pluck() as Statement<[string], number>;
  // The aprvno index is partial (non-empty values): the query repeats its condition so the planner can use it.
  const byAprvno = db
    .prepare("SELECT rowid FROM nat_items WHERE aprvno IN (?, ?) AND aprvno IS NOT NULL AND aprvno != ''")
    .pluck() as Statement<[string, string], number>;
  const details = db.prepare(`SELECT rowid, catalogue, code, name, trade_name, spec, dosform, manufacturer, aprvno,
    chrgitm_lv FROM nat_items WHERE rowid IN (SELECT value FROM json_each(?))`) as Statement<[string], DetailRow>;

  let index: Index | null = null;
  let building: Promise<Index> | null = null;
  /** bumped by invalidate(): a build that started before a change is not kept */
  let generation = 0;
  let lastUse = 0;
  let dropTimer: NodeJS.Timeout | null = null;

  async function build(): Promise<Index> {
    const started = performance.now();
    const latin = new HayBuilder();
    const cjk = new HayBuilder();
    const rowids: number[] = [];
    const catalogues: string[] = [];
    const nameLengths: number[] = [];
    for (let after = 0; ;) {
      const rows = slice.all(after, BUILD_SLICE);
      if (rowids.length + rows.length > 2 ** 22) throw new Error('national search: more than 4 million rows');
      for (const r of rows) {
        const slot = rowids.length;
        rowids.push(r.rowid);
        catalogues.push(r.catalogue);
        nameLengths.push(Math.min(16383, r.name.length));
        const keys: [number, string | null][] = [
          [Key.Code, r.code],
          [Key.Name, r.name],
          [Key.Trade, r.trade_name],
          [Key.Pinyin, r.pinyin],
          [Key.Aprvno, r.aprvno],
        ];
        for (const [kind, raw] of keys) {
          if (!raw) continue;
          const key = normaliseQuery(raw);
          if (!key) continue;
          if (!NON_ASCII.test(key)) {
            latin.add(slot, kind, key);
            continue;
          }
          cjk.add(slot, kind, key);
          // 国药准字H20053124: its Latin tail is what people type, so it is a Latin key too.
          if (kind === Key.Aprvno) {
            const tail = key.replace(/^[^\u0020-\u007e]+/, '');
            if (tail && !NON_ASCII.test(tail)) latin.add(slot, kind, tail);
          }
        }
      }
      if (rows.length < BUILD_SLICE) break;
      after = rows[rows.length - 1]!.rowid;
      await new Promise((resolve) => setImmediate(resolve));
    }
    const built: Index = {
      latin: latin.done(),
      cjk: cjk.done(),
      rowids: Float64Array.from(rowids),
      catalogues,
      nameLengths: Uint16Array.from(nameLengths),
    };
    log.info('catalogue: national search index built', {
      rows: rowids.length,
      latinChars: built.latin.text.length,
      cjkChars: built.cjk.text.length,
      ms: Math.round(performance.now() - started),
    });
    return built;
  }

  function ready(): Promise<Index> {
    if (index) return Promise.resolve(index);
    if (!building) {
      const gen = generation;
      building = build().then(
        (ix) => {
          building = null;
          if (gen === generation) index = ix;
          return ix;
        },
        (e: unknown) => {
          building = null;
          throw e;
        },
      );
    }
    return building;
  }

  function scheduleDrop(): void {
    if (dropTimer) return;
    dropTimer = setInterval(() => {
      if (index && now() - lastUse > IDLE_DROP_MS) {
        index = null;
        clearInterval(dropTimer!);
        dropTimer = null;
      }
    }, 60_000);
    dropTimer.unref();
  }

  function slotOfRowid(ix: Index, rowid: number): number {
    let lo = 0;
    let hi = ix.rowids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = ix.rowids[mid]!;
      if (v === rowid) return mid;
      if (v < rowid) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  return {
    /** The catalogue changed: the next search reloads the keys. */
    invalidate(): void {
      index = null;
      generation++;
    },

    async search(query: string, opts: { catalogue?: string; limit: number }): Promise<NatItemHit[]> {
      const q = normaliseQuery(query);
      if (!q) return [];
      lastUse = now();
      const ix = await ready();
      scheduleDrop();
      const { limit } = opts;
      const want = (slot: number) => !opts.catalogue || ix.catalogues[slot] === opts.catalogue;
      // A hit is one number, rank · 2^36 + name length · 2^22 + slot: a plain numeric sort then orders by
      // rank, shorter names first, then catalogue order — no comparator function, no object per hit.
      const packed: number[] = [];
      const note = (slot: number, rank: number) => {
        // slot -1: a row added after the keys were loaded (found through the SQL index only)
        if (slot >= 0 && want(slot)) packed.push(rank * 2 ** 36 + ix.nameLengths[slot]! * 2 ** 22 + slot);
      };

      // Exact code and approval number through the table's indexes.
      for (const rowid of byCode.all(query.trim().toUpperCase())) note(slotOfRowid(ix, rowid), 0);
      const aprv = query.trim().replace(/\s+/g, '');
      for (const rowid of byAprvno.all(aprv, aprv.startsWith('国药准字') ? aprv.slice(4) : `国药准字${aprv}`)) {
        note(slotOfRowid(ix, rowid), 1);
      }

      const hay = NON_ASCII.test(q) ? ix.cjk : ix.latin;
      const { text, starts, owners, kinds } = hay;
      let k = 0;
      let visits = 0;
      for (let pos = text.indexOf(q); pos !== -1 && visits < MAX_VISITS; visits++) {
        k = keyAt(hay, pos, k);
        note(owners[k]!, (starts[k] === pos ? 2 : 10) + kinds[k]!);
        // one visit per key: continue at the next one
        pos = k + 1 < starts.length ? text.indexOf(q, starts[k + 1]!) : -1;
      }

      const order = Float64Array.from(packed).sort();
      const chosen: number[] = [];
      const taken = new Set<number>();
      for (const v of order) {
        const slot = v % 2 ** 22;
        if (taken.has(slot)) continue; // a row found through several keys counts once, at its best rank
        taken.add(slot);
        chosen.push(slot);
        if (chosen.length >= limit) break;
      }
      if (!chosen.length) return [];
      const rows = new Map(
        details.all(JSON.stringify(chosen.map((slot) => ix.rowids[slot]))).map((r) => [r.rowid, r] as const),
      );
      const hits: NatItemHit[] = [];
      for (const slot of chosen) {
        const r = rows.get(ix.rowids[slot]!);
        if (!r) continue; // deleted since the keys were loaded
        hits.push({
          catalogue: r.catalogue,
          code: r.code,
          name: r.name,
          tradeName: r.trade_name,
          spec: r.spec,
          dosform: r.dosform,
          manufacturer: r.manufacturer,
          aprvno: r.aprvno,
          chrgitmLv: toLevel(r.chrgitm_lv),
        });
      }
      return hits;
    },

    close(): void {
      if (dropTimer) clearInterval(dropTimer);
      dropTimer = null;
      index = null;
    },
  };
}
