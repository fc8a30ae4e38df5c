/**
 * Substring search over many short keys at once: every key is appended to one long string, separated
 * by a character no key contains, and a query is one String.prototype.indexOf loop over it. V8 runs
 * that loop at memory speed (a few hundred µs over a couple of million characters), which beats
 * building an n-gram index for keys this short, and it finds infixes as well as prefixes.
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
      // keys are in offset order and hits come in offset order: move forward from the last key,
      // by binary search since hits can be far apart
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
