/**
 * Key search structures for the product index (product-index.ts says which is used for what).
 */

/**
 * Substring search over many short keys at once: every key is appended to one long string, separated
 * by a character no key contains, and a query is one String.prototype.indexOf loop over it. Cheap to
 * build and to update; a scan costs the whole string (V8 skips ahead for queries of four characters or
 * more), so it serves the long full-pinyin queries only.
 *
 * Keys are added incrementally (a save appends; the old keys of the product become tombstones) and
 * the string is rebuilt only when tombstones pile up.
 */

const SEP = '\u0001';

/** 0 = the whole key, 1 = a prefix of it, 2 = inside it */
export type HitKind = 0 | 1 | 2;

export class Haystack {
  private text = '';
  /** start offset of each key in `text` */
  private starts: number[] = [];
  /** the slot owning each key, -1 once it is dead */
  private owners: number[] = [];
  private readonly keysOf = new Map<number, number[]>();
  private dead = 0;

  get size(): number {
    return this.owners.length - this.dead;
  }

  /** Keys must not contain U+0001; empty keys are ignored. */
  add(slot: number, keys: readonly string[]): void {
    let mine = this.keysOf.get(slot);
    const parts: string[] = [];
    let at = this.text.length;
    for (const key of keys) {
      if (!key) continue;
      at += 1;
      this.starts.push(at);
      this.owners.push(slot);
      if (!mine) this.keysOf.set(slot, (mine = []));
      mine.push(this.owners.length - 1);
      parts.push(SEP, key);
      at += key.length;
    }
    if (parts.length) this.text += parts.join('');
  }

  /** A fresh haystack built in one go (faster than one add per slot). */
  static build(entries: Iterable<[slot: number, keys: readonly string[]]>): Haystack {
    const h = new Haystack();
    const parts: string[] = [];
    let at = 0;
    for (const [slot, keys] of entries) {
      let mine: number[] | undefined;
      for (const key of keys) {
        if (!key) continue;
        h.starts.push(at + 1);
        h.owners.push(slot);
        if (!mine) h.keysOf.set(slot, (mine = []));
        mine.push(h.owners.length - 1);
        parts.push(SEP, key);
        at += 1 + key.length;
      }
    }
    h.text = parts.join('');
    return h;
  }

  remove(slot: number): void {
    const mine = this.keysOf.get(slot);
    if (!mine) return;
    for (const k of mine) this.owners[k] = -1;
    this.dead += mine.length;
    this.keysOf.delete(slot);
    if (this.dead > 1000 && this.dead * 4 > this.owners.length) this.compact();
  }

  /**
   * Calls visit(slot, kind) once per matching key (a slot with several matching keys is visited for
   * each). `q` must be non-empty and must not contain U+0001.
   */
  find(q: string, visit: (slot: number, kind: HitKind) => void): void {
    const { text, starts, owners } = this;
    const n = starts.length;
    let pos = text.indexOf(q);
    let k = 0;
    while (pos !== -1) {
      // hits come in offset order: binary search forward from the previous key
      let lo = k;
      let hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1;
        if (starts[mid]! <= pos) lo = mid;
        else hi = mid - 1;
      }
      k = lo;
      const start = starts[k]!;
      const end = k + 1 < n ? starts[k + 1]! - 1 : text.length;
      const owner = owners[k]!;
      if (owner >= 0) visit(owner, pos === start ? (pos + q.length === end ? 0 : 1) : 2);
      // one visit per key is enough: continue after this key
      pos = text.indexOf(q, end);
    }
  }

  private compact(): void {
    const { text, starts, owners } = this;
    const parts: string[] = [];
    const newStarts: number[] = [];
    const newOwners: number[] = [];
    this.keysOf.clear();
    let at = 0;
    for (let k = 0; k < owners.length; k++) {
      const slot = owners[k]!;
      if (slot < 0) continue;
      const end = k + 1 < starts.length ? starts[k + 1]! - 1 : text.length;
      const key = text.slice(starts[k]!, end);
      newStarts.push(at + 1);
      newOwners.push(slot);
      let mine = this.keysOf.get(slot);
      if (!mine) this.keysOf.set(slot, (mine = []));
      mine.push(newOwners.length - 1);
      parts.push(SEP, key);
      at += 1 + key.length;
    }
    this.text = parts.join('');
    this.starts = newStarts;
    this.owners = newOwners;
    this.dead = 0;
  }
}

function sortedRun(keys: string[], owners: number[]): [string[], number[]] {
  const keep: number[] = [];
  for (let i = 0; i < keys.length; i++) if (keys[i]) keep.push(i);
  let sorted = true;
  for (let j = 1; j < keep.length && sorted; j++) if (keys[keep[j - 1]!]! > keys[keep[j]!]!) sorted = false;
  if (!sorted) keep.sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : a - b));
  return [keep.map((i) => keys[i]!), keep.map((i) => owners[i]!)];
}

function merge(ak: string[], ao: number[], bk: string[], bo: number[]): [string[], number[]] {
  if (!ak.length) return [bk, bo];
  if (!bk.length) return [ak, ao];
  const keys: string[] = new Array<string>(ak.length + bk.length);
  const owners: number[] = new Array<number>(ak.length + bk.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < ak.length || j < bk.length) {
    if (j >= bk.length || (i < ak.length && ak[i]! <= bk[j]!)) {
      keys[n] = ak[i]!;
      owners[n++] = ao[i++]!;
    } else {
      keys[n] = bk[j]!;
      owners[n++] = bo[j++]!;
    }
  }
  return [keys, owners];
}

/**
 * Prefix search over short keys: kept sorted, a query is a binary search to the first key ≥ q and a
 * walk while keys start with q — O(log n + hits), where a scan of the joined string would pay for every
 * occurrence of q's first character. Used for codes, barcodes and full pinyin typed from the start.
 */
export class PrefixIndex {
  private keys: string[] = [];
  private owners: number[] = [];
  private readonly keysOf = new Map<number, string[]>();

  /**
   * Built from runs of (key, slot) pairs. A run that arrives sorted (codes in the products' code order,
   * barcodes in their primary-key order) is taken as it is; the runs are then merged in one pass —
   * sorting tens of thousands of keys with a comparator is the slow part this avoids.
   */
  static build(runs: readonly (readonly [keys: string[], owners: number[]])[]): PrefixIndex {
    const p = new PrefixIndex();
    let keys: string[] = [];
    let owners: number[] = [];
    for (const [runKeys, runOwners] of runs) {
      const [k, o] = sortedRun(runKeys, runOwners);
      [keys, owners] = merge(keys, owners, k, o);
    }
    p.keys = keys;
    p.owners = owners;
    for (let i = 0; i < keys.length; i++) {
      const slot = owners[i]!;
      const mine = p.keysOf.get(slot);
      if (mine) mine.push(keys[i]!);
      else p.keysOf.set(slot, [keys[i]!]);
    }
    return p;
  }

  private lowerBound(q: string): number {
    let lo = 0;
    let hi = this.keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid]! < q) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  add(slot: number, keys: readonly string[]): void {
    const mine = keys.filter(Boolean);
    if (!mine.length) return;
    this.keysOf.set(slot, [...(this.keysOf.get(slot) ?? []), ...mine]);
    for (const k of mine) {
      const at = this.lowerBound(k);
      this.keys.splice(at, 0, k);
      this.owners.splice(at, 0, slot);
    }
  }

  remove(slot: number): void {
    const mine = this.keysOf.get(slot);
    if (!mine) return;
    this.keysOf.delete(slot);
    for (const k of mine) {
      for (let i = this.lowerBound(k); i < this.keys.length && this.keys[i] === k; i++) {
        if (this.owners[i] === slot) {
          this.keys.splice(i, 1);
          this.owners.splice(i, 1);
          break;
        }
      }
    }
  }

  /** visit(slot, 0) for a key equal to q, visit(slot, 1) for a key starting with it */
  find(q: string, visit: (slot: number, kind: HitKind) => void): void {
    const { keys, owners } = this;
    for (let i = this.lowerBound(q); i < keys.length && keys[i]!.startsWith(q); i++) {
      visit(owners[i]!, keys[i]!.length === q.length ? 0 : 1);
    }
  }
}

/**
 * Substring search through character n-grams: each key's characters and character pairs point to the
 * slots that have them, and a query reads the shortest list among its own pairs and checks those few
 * slots' keys. A two-letter initials query ("am") costs its posting list (hundreds of slots), not a scan
 * of every key. Grams are numbers (one UTF-16 unit, or two packed above 65535), so building the index
 * allocates no substrings. Removing a slot only forgets its keys: stale postings are skipped when
 * checked, and a rebuild drops them.
 */
export class NgramIndex {
  private readonly postings = new Map<number, number[]>();
  /** a slot's keys joined by U+0001, with a separator in front: one indexOf finds q in any of them */
  private joined: (string | undefined)[] = [];

  static build(entries: Iterable<[slot: number, keys: readonly string[]]>): NgramIndex {
    const n = new NgramIndex();
    for (const [slot, keys] of entries) n.add(slot, keys);
    return n;
  }

  private post(gram: number, slot: number): void {
    const list = this.postings.get(gram);
    if (!list) this.postings.set(gram, [slot]);
    // a slot's grams are added together: checking the last element keeps each list free of repeats
    else if (list[list.length - 1] !== slot) list.push(slot);
  }

  add(slot: number, keys: readonly string[]): void {
    let joined = '';
    for (const k of keys) {
      if (!k) continue;
      joined += SEP + k;
      for (let i = 0; i < k.length; i++) {
        const c = k.charCodeAt(i);
        this.post(c, slot);
        if (i + 1 < k.length) this.post(c * 65536 + k.charCodeAt(i + 1) + 65536, slot);
      }
    }
    this.joined[slot] = joined;
  }

  remove(slot: number): void {
    this.joined[slot] = undefined;
  }

  find(q: string, visit: (slot: number, kind: HitKind) => void): void {
    let list: number[] | undefined;
    if (q.length === 1) list = this.postings.get(q.charCodeAt(0));
    else {
      for (let i = 0; i + 1 < q.length; i++) {
        const l = this.postings.get(q.charCodeAt(i) * 65536 + q.charCodeAt(i + 1) + 65536);
        if (!l) return;
        if (!list || l.length < list.length) list = l;
      }
    }
    if (!list) return;
    const joined = this.joined;
    const n = q.length;
    for (let j = 0; j < list.length; j++) {
      const slot = list[j]!;
      const text = joined[slot];
      if (text === undefined) continue;
      // the best of every occurrence: whole key (0) < key prefix (1) < inside a key (2)
      let kind = 3;
      let at = text.indexOf(q);
      while (at !== -1 && kind > 0) {
        if (text.charCodeAt(at - 1) === 1) {
          const after = at + n;
          kind = after === text.length || text.charCodeAt(after) === 1 ? 0 : Math.min(kind, 1);
        } else kind = Math.min(kind, 2);
        at = text.indexOf(q, at + 1);
      }
      if (kind < 3) visit(slot, kind as HitKind);
    }
  }
}

/**
 * Prefix search through the first one and two characters of each key: a query reads the list of keys
 * starting like it and checks them. Cheap to build (no sorting), for keys whose first two characters
 * spread them well — full pinyin ("amoxilin", "banlangen"); not for codes, which share long prefixes.
 */
export class AnchoredIndex {
  private readonly postings = new Map<number, number[]>();
  private joined: (string | undefined)[] = [];

  static build(entries: Iterable<[slot: number, keys: readonly string[]]>): AnchoredIndex {
    const a = new AnchoredIndex();
    for (const [slot, keys] of entries) a.add(slot, keys);
    return a;
  }

  private post(gram: number, slot: number): void {
    const list = this.postings.get(gram);
    if (!list) this.postings.set(gram, [slot]);
    else if (list[list.length - 1] !== slot) list.push(slot);
  }

  add(slot: number, keys: readonly string[]): void {
    let joined = '';
    for (const k of keys) {
      if (!k) continue;
      joined += SEP + k;
      const c = k.charCodeAt(0);
      this.post(c, slot);
      if (k.length > 1) this.post(c * 65536 + k.charCodeAt(1) + 65536, slot);
    }
    this.joined[slot] = joined;
  }

  remove(slot: number): void {
    this.joined[slot] = undefined;
  }

  find(q: string, visit: (slot: number, kind: HitKind) => void): void {
    const c = q.charCodeAt(0);
    const list = this.postings.get(q.length === 1 ? c : c * 65536 + q.charCodeAt(1) + 65536);
    if (!list) return;
    const needle = SEP + q;
    for (let j = 0; j < list.length; j++) {
      const slot = list[j]!;
      const text = this.joined[slot];
      if (text === undefined) continue;
      let kind = 3;
      let at = text.indexOf(needle);
      while (at !== -1 && kind > 0) {
        const after = at + needle.length;
        kind = after === text.length || text.charCodeAt(after) === 1 ? 0 : Math.min(kind, 1);
        at = text.indexOf(needle, at + 1);
      }
      if (kind < 3) visit(slot, kind as HitKind);
    }
  }
}
