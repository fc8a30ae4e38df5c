import { customPinyin, pinyin, polyphonic } from 'pinyin-pro';

/**
 * Pinyin search keys for product names: initials ("amxljn") and full pinyin ("amoxilinjiaonang").
 *
 * pinyin-pro picks one reading per character from its word dictionary, and for drug names it is
 * sometimes wrong (参苓白术散 comes out as "can ling", 还少丹 as "hai shao"). A cashier types what they
 * say, so besides the chosen reading every other reading of a polyphone is kept as an extra key —
 * cheaply: all combinations while they are few, otherwise one alternative at a time.
 */

// Readings pinyin-pro gets wrong in common drug and herb names; the chosen reading is also what the
// full-pinyin key shows first, so fixing it here helps ranking (the other readings stay searchable).
customPinyin({
  人参: 'rén shēn',
  党参: 'dǎng shēn',
  丹参: 'dān shēn',
  玄参: 'xuán shēn',
  苦参: 'kǔ shēn',
  沙参: 'shā shēn',
  太子参: 'tài zǐ shēn',
  西洋参: 'xī yáng shēn',
  参苓: 'shēn líng',
  参芪: 'shēn qí',
  参茸: 'shēn róng',
  参麦: 'shēn mài',
  参松: 'shēn sōng',
  还少: 'huán shǎo',
  藏红花: 'zàng hóng huā',
  阿胶: 'ē jiāo',
  厚朴: 'hòu pò',
  薄荷: 'bò he',
  重楼: 'chóng lóu',
  重组: 'chóng zǔ',
  苍术: 'cāng zhú',
  白术: 'bái zhú',
  莪术: 'é zhú',
  蛤蚧: 'gé jiè',
  血塞通: 'xuè sāi tōng',
  塞来昔布: 'sāi lái xī bù',
  长春: 'cháng chūn',
});

/** Most variants kept per name: enough for two or three polyphones, small enough for the index. */
const MAX_INITIAL_VARIANTS = 16;
const MAX_FULL_VARIANTS = 8;

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
const KEEP = /[a-z0-9]/;

/** One position of a name: its readings, the chosen one first. */
type Slot = string[];

function slotsOf(name: string): Slot[] {
  const text = name.normalize('NFKC').toLowerCase();
  const chars = Array.from(text);
  const chosen = pinyin(text, { toneType: 'none', type: 'array', v: true });
  const all = polyphonic(text, { toneType: 'none', type: 'array', v: true });
  // Both arrays have one element per character as long as non-Chinese characters come out one by one
  // (pinyin-pro's default); if a future version groups them, fall back to per-character calls.
  const aligned = chosen.length === chars.length && all.length === chars.length;
  const slots: Slot[] = [];
  chars.forEach((ch, i) => {
    if (CJK.test(ch)) {
      const first = (aligned ? chosen[i] : pinyin(ch, { toneType: 'none', v: true })) ?? '';
      const others = aligned ? (all[i] ?? []) : polyphonic(ch, { toneType: 'none', type: 'array', v: true })[0];
      const readings = [first, ...(others ?? [])].map((r) => r.toLowerCase()).filter((r) => /^[a-z]+$/.test(r));
      if (readings.length) slots.push([...new Set(readings)]);
    } else if (KEEP.test(ch)) {
      // Latin letters and digits are part of what people type (维生素C → wssc, 维生素B1 → wssb1).
      slots.push([ch]);
    }
    // punctuation, spaces and brackets are not typed: they neither match nor break a match
  });
  return slots;
}

/** Variants of a sequence: the chosen one first; all combinations when few, else one change at a time. */
function variants(slots: string[][], max: number): string[] {
  const combos = slots.reduce((n, s) => n * s.length, 1);
  const out = new Set<string>();
  if (combos <= max) {
    let acc = [''];
    for (const s of slots) acc = acc.flatMap((prefix) => s.map((r) => prefix + r));
    for (const v of acc) out.add(v);
    return [...out];
  }
  const chosen = slots.map((s) => s[0]!);
  out.add(chosen.join(''));
  for (let i = 0; i < slots.length && out.size < max; i++) {
    for (const alt of slots[i]!.slice(1)) {
      if (out.size >= max) break;
      const v = chosen.slice();
      v[i] = alt;
      out.add(v.join(''));
    }
  }
  return [...out];
}

export interface NameKeys {
  /** initials, chosen reading first, e.g. ["clbzs", "slbzs", ...] */
  initials: string[];
  /** full pinyin without tones or spaces, chosen reading first */
  full: string[];
}

export function nameKeys(name: string): NameKeys {
  const slots = slotsOf(name);
  if (!slots.length) return { initials: [], full: [] };
  const initialSlots = slots.map((s) => [...new Set(s.map((r) => (/^[a-z]/.test(r) ? r[0]! : r)))]);
  return {
    initials: variants(initialSlots, MAX_INITIAL_VARIANTS),
    full: variants(slots, MAX_FULL_VARIANTS),
  };
}

/** The stored form (products.pinyin_initials / pinyin_full): space-separated, generic name first. */
export function productKeys(genericName: string, tradeName: string | null): { initials: string; full: string } {
  const names = [genericName, tradeName].filter((n): n is string => !!n && n.trim() !== '');
  const initials = new Set<string>();
  const full = new Set<string>();
  for (const n of names) {
    const k = nameKeys(n);
    k.initials.forEach((x) => initials.add(x));
    k.full.forEach((x) => full.add(x));
  }
  return { initials: [...initials].join(' '), full: [...full].join(' ') };
}
