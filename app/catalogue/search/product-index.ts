import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/connection';
import type { InsuranceFacts, ProductHit, RxClass, SpecialFlag } from '../../shared/contract';
import { NO_FACTS, SIGNAL_SQL, type InsuranceFactsReader } from '../products/insurance-facts';
import { parseFlags } from '../products/model';
import { AnchoredIndex, Haystack, NgramIndex, PrefixIndex } from './haystack';
import { looksLikePinyin, normaliseText, parseQuery, type TokenClass } from './query';

/**
 * The counter's product search: everything it needs in memory, so a keystroke costs a few lookups
 * and no SQL beyond one read of a change counter.
 *
 * Ranking: an exact barcode / own code / national code first; then products in stock before those
 * without; then match quality (whole name, whole pinyin key, name prefix, pinyin prefix, inside the
 * name, inside a pinyin key, code prefix); then shorter names; then code order.
 *
 * Structures: exact maps for barcodes, codes and national codes; character n-grams for names and
 * pinyin initials (matched anywhere); sorted keys for codes and full pinyin typed from the start; one
 * joined string for full pinyin matched inside (long queries only).
 *
 * Keeping it current: saves and imports tell the index which products they wrote (noteWrite); anything
 * else is caught by product_index_clock, which triggers bump on every write to products, barcodes and
 * stock — a product change nobody announced rebuilds the index, a stock change re-reads only the rows
 * whose rev moved. Insurance facts are re-read per product, lazily, after a catalogue sync.
 */

const BY = ['barcode', 'nat_code', 'code', 'name', 'pinyin_initials', 'pinyin_full'] as const;
const BARCODE = 0;
const NAT_CODE = 1;
const CODE = 2;
const NAME = 3;
const INITIALS = 4;
const FULL = 5;

/** match quality per key kind and hit kind (whole key / prefix / inside); lower ranks first */
const Q_NAME: readonly number[] = [1, 3, 5];
const Q_PINYIN: readonly number[] = [2, 4, 6];
const Q_CODE: readonly number[] = [7, 7, 7];
const UNSEEN = 255;
/** slots are packed into the low bits of a sort key: up to 4 million products */
const SLOT_SPAN = 4194304;
/**
 * full-pinyin queries this long that read as pinyin also match inside a name's pinyin ("xilin"); shorter
 * ones only at its start
 */
const FULL_PINYIN_INFIX = 4;
/** a query this long that hits a barcode or code exactly is a scan: nothing else is looked for */
const SCAN_LENGTH = 8;
/** above this many products in one write, rebuilding beats patching */
const BULK = 2000;
const SEP = '\u0001';

interface Entry {
  id: number;
  code: string;
  genericName: string;
  tradeName: string | null;
  spec: string | null;
  manufacturer: string | null;
  dosageForm: string | null;
  aprvno: string | null;
  unit: string;
  retailPriceFen: number;
  rxClass: RxClass;
  specialFlags: SpecialFlag[];
  natCode: string | null;
  barcodes: string[];
  pinyinInitials: string;
  pinyinFull: string;
  nameLen: number;
  /** everything a filter token may match, normalised; built on first use (most queries have no filter) */
  filter: string | null;
}

const INDEX_FIELDS = [
  'id',
  'code',
  'generic_name',
  'trade_name',
  'spec',
  'dosage_form',
  'manufacturer',
  'aprvno',
  'unit',
  'retail_price_fen',
  'rx_class',
  'special_flags',
  'nat_code',
  'pinyin_initials',
  'pinyin_full',
  'active',
] as const;
const INDEX_SELECT = `SELECT ${INDEX_FIELDS.join(', ')} FROM products p`;

type RawRow = [
  number,
  string,
  string,
  string | null,
  string | null,
  string | null,
  string | null,
  string | null,
  string,
  number,
  RxClass,
  string,
  string | null,
  string,
  string,
  number,
];

function toEntry(r: RawRow, barcodes: string[]): Entry {
  return {
    id: r[0],
    code: r[1],
    genericName: r[2],
    tradeName: r[3],
    spec: r[4],
    dosageForm: r[5],
    manufacturer: r[6],
    aprvno: r[7],
    unit: r[8],
    retailPriceFen: r[9],
    rxClass: r[10],
    // most products have no flag: skip the JSON parse for them
    specialFlags: r[11] === '[]' ? [] : parseFlags(r[11]),
    natCode: r[12],
    pinyinInitials: r[13],
    pinyinFull: r[14],
    barcodes,
    nameLen: r[2].length,
    filter: null,
  };
}

function filterOf(e: Entry): string {
  // one normalisation of the joined fields: the separator keeps a token from matching across two
  return normaliseText(
    [
      e.code,
      ...e.barcodes,
      e.genericName,
      e.tradeName,
      e.spec,
      e.manufacturer,
      e.dosageForm,
      e.aprvno,
      e.natCode,
      e.pinyinInitials,
      e.pinyinFull,
    ]
      .filter(Boolean)
      .join(SEP),
  );
}

function keysOf(e: Entry) {
  const split = (s: string) => s.split(' ').filter(Boolean);
  return {
    names: e.tradeName ? [normaliseText(e.genericName), normaliseText(e.tradeName)] : [normaliseText(e.genericName)],
    initials: split(e.pinyinInitials),
    full: split(e.pinyinFull),
    codes: [e.code, ...e.barcodes].map(normaliseText),
  };
}

export interface SearchStats {
  products: number;
  builds: number;
  lastBuildMs: number;
}

export class ProductIndex {
  private entries: (Entry | null)[] = [];
  private readonly slotOf = new Map<number, number>();
  /** on-hand quantity per slot (base units) */
  private stock = new Float64Array(0);
  /** insurance facts per slot, valid while factsGen[slot] === gen */
  private facts: (InsuranceFacts | null)[] = [];
  private factsGen: number[] = [];
  private gen = 0;
  private seenSignal = '';
  private byBarcode = new Map<string, number>();
  private byCode = new Map<string, number>();
  private byNat = new Map<string, Set<number>>();
  private names = new NgramIndex();
  private initials = new NgramIndex();
  private full = new Haystack();
  private fullPrefix = new AnchoredIndex();
  private codes = new PrefixIndex();
  private best = new Uint8Array(0);
  private bestBy = new Uint8Array(0);
  private built = false;
  private seenProducts = -1;
  private seenStock = -1;
  private seenDeletes = -1;
  private readonly stats: SearchStats = { products: 0, builds: 0, lastBuildMs: 0 };

  private readonly clock: Statement<[], [number, number, number, string]>;
  private readonly allRows: Statement<[], RawRow>;
  private readonly oneRow: Statement<[number], RawRow>;
  private readonly allBarcodes: Statement<[], [string, number]>;
  private readonly barcodesOf: Statement<[number], string>;
  private readonly allStock: Statement<[], [number, number]>;
  private readonly stockSince: Statement<[number], [number, number]>;

  constructor(
    private readonly db: Db,
    private readonly factsReader: InsuranceFactsReader,
  ) {
    // one read per search: the three change counters and the catalogues' signal
    this.clock = db
      .prepare(`SELECT products_rev, stock_rev, stock_deletes, ${SIGNAL_SQL} FROM product_index_clock WHERE id = 1`)
      .raw() as Statement<[], [number, number, number, string]>;
    // in code order, so that equal-ranked hits come out in a stable, readable order
    this.allRows = db.prepare(`${INDEX_SELECT} WHERE p.active = 1 ORDER BY p.code`).raw() as Statement<[], RawRow>;
    this.oneRow = db.prepare(`${INDEX_SELECT} WHERE p.id = ?`).raw() as Statement<[number], RawRow>;
    // in key order: the barcodes go into the sorted code index without a sort
    this.allBarcodes = db
      .prepare('SELECT barcode, product_id FROM product_barcodes ORDER BY barcode')
      .raw() as Statement<[], [string, number]>;
    this.barcodesOf = db
      .prepare('SELECT barcode FROM product_barcodes WHERE product_id = ? ORDER BY rowid')
      .pluck() as Statement<[number], string>;
    this.allStock = db.prepare('SELECT product_id, qty_base FROM product_stock WHERE qty_base != 0').raw() as Statement<
      [],
      [number, number]
    >;
    this.stockSince = db
      .prepare('SELECT product_id, qty_base FROM product_stock WHERE rev > ? ORDER BY rev')
      .raw() as Statement<[number], [number, number]>;
  }

  info(): SearchStats {
    return { ...this.stats, products: this.slotOf.size };
  }

  /** Builds the index now if it is not built (start-up warm-up; otherwise the first search does it). */
  warm(): void {
    this.sync();
  }

  /** The current value of the products change counter: read it inside a write transaction. */
  productsRev(): number {
    return this.clock.get()![0];
  }

  /**
   * A save or import committed: `before` and `after` are productsRev() read at the start and the end of
   * its transaction. If something else changed products before it (before ≠ what the index has seen),
   * or the write was large, the index is rebuilt on the next search instead of patched.
   */
  noteWrite(before: number, after: number, ids: readonly number[]): void {
    if (!this.built) return;
    if (before !== this.seenProducts || ids.length > BULK) {
      this.built = false;
      return;
    }
    for (const id of ids) this.reload(id);
    this.seenProducts = after;
  }

  search(q: string, limit: number): ProductHit[] {
    this.sync();
    const pq = parseQuery(q);
    const out: { slot: number; by: number }[] = [];
    const exact = new Set<number>();
    const addExact = (slot: number | undefined, by: number) => {
      if (slot === undefined || exact.has(slot)) return;
      exact.add(slot);
      out.push({ slot, by });
    };
    if (pq.compact) {
      addExact(this.byBarcode.get(pq.compact), BARCODE);
      addExact(this.byCode.get(pq.compact), CODE);
      const nat = this.byNat.get(pq.compact);
      if (nat) {
        // several products may share a national code (packs of one drug): those in stock first
        [...nat]
          .sort((a, b) => this.inStockRank(a) - this.inStockRank(b) || a - b)
          .forEach((s) => addExact(s, NAT_CODE));
      }
    }
    const scanned = out.length > 0 && pq.main?.cls === 'other' && pq.compact.length >= SCAN_LENGTH;
    if (out.length >= limit || !pq.main || scanned) return this.hits(out.slice(0, limit));

    // the most name-like token is searched in the index and the others filter; if that finds nothing
    // ("amxl 石药": the maker is not in any name) the next token takes its place
    const room = limit - out.length;
    for (let i = 0; i < pq.tokens.length; i++) {
      const main = pq.tokens[i]!;
      const filters = pq.tokens.filter((_, j) => j !== i).map((t) => t.text);
      const found = this.scan(main.text, main.cls, filters, exact, room);
      if (found.length || i === pq.tokens.length - 1) {
        for (const key of found) {
          const slot = key % SLOT_SPAN;
          out.push({ slot, by: this.bestBy[slot]! });
        }
        break;
      }
    }
    return this.hits(out);
  }

  /** Sort keys of the best `room` products matching `main` and every filter, best first. */
  private scan(main: string, cls: TokenClass, filters: string[], exact: Set<number>, room: number): number[] {
    const touched: number[] = [];
    const best = this.best;
    const bestBy = this.bestBy;
    const note = (slot: number, quality: number, by: number) => {
      const current = best[slot]!;
      if (current === UNSEEN) touched.push(slot);
      if (quality < current) {
        best[slot] = quality;
        bestBy[slot] = by;
      }
    };
    // Which keys, and how: names and initials match anywhere ("西林", "xljn"); full pinyin from the start
    // of a name unless the query is long enough to mean a syllable run ("xilin") rather than noise ("an"
    // is inside half of all pinyin); codes and barcodes from their start.
    if (cls === 'cjk') {
      this.names.find(main, (s, k) => note(s, Q_NAME[k]!, NAME));
    } else if (cls === 'letters') {
      this.initials.find(main, (s, k) => note(s, Q_PINYIN[k]!, INITIALS));
      if (main.length < FULL_PINYIN_INFIX) this.fullPrefix.find(main, (s, k) => note(s, Q_PINYIN[k]!, FULL));
      else if (looksLikePinyin(main)) this.full.find(main, (s, k) => note(s, Q_PINYIN[k]!, FULL));
      this.names.find(main, (s, k) => note(s, Q_NAME[k]!, NAME));
      this.codes.find(main, (s, k) => note(s, Q_CODE[k]!, CODE));
    } else {
      this.codes.find(main, (s, k) => note(s, Q_CODE[k]!, CODE));
      this.names.find(main, (s, k) => note(s, Q_NAME[k]!, NAME));
    }
    const heap = new KeyHeap(room);
    const stock = this.stock;
    const entries = this.entries;
    const checkExact = exact.size > 0;
    for (let i = 0; i < touched.length; i++) {
      const slot = touched[i]!;
      const quality = best[slot]!;
      best[slot] = UNSEEN;
      if (checkExact && exact.has(slot)) continue;
      const e = entries[slot]!;
      // in stock, quality, name length, slot — packed into one exact integer (< 2^53)
      const key = (((stock[slot]! > 0 ? 0 : 1) * 16 + quality) * 256 + Math.min(e.nameLen, 255)) * SLOT_SPAN + slot;
      if (heap.full && key >= heap.top) continue;
      if (filters.length) {
        const text = (e.filter ??= filterOf(e));
        if (!filters.every((f) => text.includes(f))) continue;
      }
      heap.push(key);
    }
    return heap.sorted();
  }

  /** Cached facts of a slot; re-read (one statement) when the catalogues changed since they were read. */
  private factsOf(slot: number, id: number): InsuranceFacts {
    let f = this.facts[slot];
    if (!f || this.factsGen[slot] !== this.gen) {
      f = this.factsReader.factsFor(id);
      this.facts[slot] = f;
      this.factsGen[slot] = this.gen;
    }
    return f;
  }

  private inStockRank(slot: number): number {
    return this.stock[slot]! > 0 ? 0 : 1;
  }

  private hits(list: { slot: number; by: number }[]): ProductHit[] {
    return list.map(({ slot, by }) => {
      const e = this.entries[slot]!;
      return {
        id: e.id,
        code: e.code,
        genericName: e.genericName,
        tradeName: e.tradeName,
        spec: e.spec,
        manufacturer: e.manufacturer,
        unit: e.unit,
        retailPriceFen: e.retailPriceFen,
        rxClass: e.rxClass,
        specialFlags: e.specialFlags,
        stockQty: this.stock[slot]!,
        insurance: this.factsOf(slot, e.id),
        matchedBy: BY[by]!,
      };
    });
  }

  // ---- keeping current -------------------------------------------------------------------------

  private sync(): void {
    if (!this.built) {
      this.build();
      return;
    }
    const [products, stockRev, deletes, signalValue] = this.clock.get()!;
    const signal = this.factsReader.signalOf(signalValue);
    if (signal !== this.seenSignal) {
      // a catalogue sync ran: facts are re-read lazily, for the products a search actually shows
      this.gen++;
      this.seenSignal = signal;
    }
    if (products !== this.seenProducts) {
      this.build();
      return;
    }
    if (deletes !== this.seenDeletes) {
      this.loadAllStock();
      this.seenDeletes = deletes;
      this.seenStock = stockRev;
    } else if (stockRev !== this.seenStock) {
      for (const [id, qty] of this.stockSince.iterate(this.seenStock)) {
        const slot = this.slotOf.get(id);
        if (slot !== undefined) this.stock[slot] = qty;
      }
      this.seenStock = stockRev;
    }
  }

  private build(): void {
    const started = performance.now();
    // one read transaction: rows, stock, facts and the counters agree with each other
    this.db.transaction(() => {
      const [products, stockRev, deletes, signalValue] = this.clock.get()!;
      const rows = this.allRows.all();
      const barcodeRows = this.allBarcodes.all();
      const barcodesOf = new Map<number, string[]>();
      for (const [barcode, productId] of barcodeRows) {
        const list = barcodesOf.get(productId);
        if (list) list.push(barcode);
        else barcodesOf.set(productId, [barcode]);
      }
      const entries = rows.map((r) => toEntry(r, barcodesOf.get(r[0]) ?? []));
      this.entries = entries;
      this.slotOf.clear();
      this.byBarcode = new Map();
      this.byCode = new Map();
      this.byNat = new Map();
      const nameKeys: [number, string[]][] = [];
      const initialKeys: [number, string[]][] = [];
      const fullKeys: [number, string[]][] = [];
      const codeRun: [string[], number[]] = [[], []];
      entries.forEach((e, slot) => {
        this.slotOf.set(e.id, slot);
        const k = keysOf(e);
        this.mapKeys(slot, e, k.codes);
        nameKeys.push([slot, k.names]);
        initialKeys.push([slot, k.initials]);
        fullKeys.push([slot, k.full]);
        codeRun[0].push(k.codes[0]!);
        codeRun[1].push(slot);
      });
      const barcodeRun: [string[], number[]] = [[], []];
      for (const [barcode, productId] of barcodeRows) {
        const slot = this.slotOf.get(productId);
        if (slot === undefined) continue;
        barcodeRun[0].push(normaliseText(barcode));
        barcodeRun[1].push(slot);
      }
      this.names = NgramIndex.build(nameKeys);
      this.initials = NgramIndex.build(initialKeys);
      this.full = Haystack.build(fullKeys);
      this.fullPrefix = AnchoredIndex.build(fullKeys);
      this.codes = PrefixIndex.build([codeRun, barcodeRun]);
      this.best = new Uint8Array(Math.max(1024, entries.length * 2)).fill(UNSEEN);
      this.bestBy = new Uint8Array(this.best.length);
      this.loadAllStock();
      this.seenSignal = this.factsReader.signalOf(signalValue);
      this.gen++;
      const all = this.factsReader.allFacts();
      // a product without a national code or 1317 row has no facts; it still shows its natCode (none)
      this.facts = entries.map((e) => all.get(e.id) ?? { ...NO_FACTS, natCode: e.natCode });
      this.factsGen = new Array<number>(entries.length).fill(this.gen);
      this.seenProducts = products;
      this.seenStock = stockRev;
      this.seenDeletes = deletes;
    })();
    this.built = true;
    this.stats.builds++;
    this.stats.lastBuildMs = Math.round(performance.now() - started);
  }

  private loadAllStock(): void {
    this.stock = new Float64Array(this.best.length);
    for (const [id, qty] of this.allStock.iterate()) {
      const slot = this.slotOf.get(id);
      if (slot !== undefined) this.stock[slot] = qty;
    }
  }

  /** codes = the code and barcodes, normalised (keysOf) */
  private mapKeys(slot: number, e: Entry, codes: string[]): void {
    this.byCode.set(codes[0]!, slot);
    for (let i = 1; i < codes.length; i++) this.byBarcode.set(codes[i]!, slot);
    if (e.natCode) {
      const key = normaliseText(e.natCode);
      let set = this.byNat.get(key);
      if (!set) this.byNat.set(key, (set = new Set()));
      set.add(slot);
    }
  }

  private unmapKeys(slot: number, e: Entry): void {
    const codes = keysOf(e).codes;
    if (this.byCode.get(codes[0]!) === slot) this.byCode.delete(codes[0]!);
    for (let i = 1; i < codes.length; i++) if (this.byBarcode.get(codes[i]!) === slot) this.byBarcode.delete(codes[i]!);
    if (e.natCode) this.byNat.get(normaliseText(e.natCode))?.delete(slot);
  }

  /** Re-reads one product after a write: new keys in, old keys out, inactive products out. */
  private reload(id: number): void {
    const row = this.oneRow.get(id);
    let slot = this.slotOf.get(id);
    if (slot !== undefined) {
      this.unmapKeys(slot, this.entries[slot]!);
      this.names.remove(slot);
      this.initials.remove(slot);
      this.full.remove(slot);
      this.fullPrefix.remove(slot);
      this.codes.remove(slot);
      if (!row || row[15] !== 1) {
        this.entries[slot] = null;
        this.slotOf.delete(id);
        return;
      }
    } else {
      if (!row || row[15] !== 1) return;
      slot = this.entries.length;
      this.entries.push(null);
      this.slotOf.set(id, slot);
      if (slot >= this.best.length) {
        this.best = new Uint8Array(this.best.length * 2).fill(UNSEEN);
        this.bestBy = new Uint8Array(this.best.length);
        const stock = new Float64Array(this.best.length);
        stock.set(this.stock);
        this.stock = stock;
      }
      this.stock[slot] = 0;
    }
    const e = toEntry(row, this.barcodesOf.all(id));
    this.entries[slot] = e;
    this.facts[slot] = null;
    const k = keysOf(e);
    this.mapKeys(slot, e, k.codes);
    this.names.add(slot, k.names);
    this.initials.add(slot, k.initials);
    this.full.add(slot, k.full);
    this.fullPrefix.add(slot, k.full);
    this.codes.add(slot, k.codes);
  }
}

/** The `size` smallest keys seen, as a max-heap: O(n log size) instead of sorting every hit. */
class KeyHeap {
  private readonly a: number[] = [];
  constructor(private readonly size: number) {}

  /** no room left: a key must beat `top` to get in */
  get full(): boolean {
    return this.a.length >= this.size;
  }

  get top(): number {
    return this.a[0]!;
  }

  push(key: number): void {
    const a = this.a;
    if (this.size <= 0) return;
    if (a.length < this.size) {
      a.push(key);
      let i = a.length - 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (a[p]! >= key) break;
        a[i] = a[p]!;
        i = p;
      }
      a[i] = key;
      return;
    }
    if (key >= a[0]!) return;
    // sift the new key down from the root
    const n = a.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && a[r]! > a[l]! ? r : l;
      if (a[c]! <= key) break;
      a[i] = a[c]!;
      i = c;
    }
    a[i] = key;
  }

  sorted(): number[] {
    return this.a.slice().sort((x, y) => x - y);
  }
}
