/**
 * Reading what the cashier typed: one normal form shared by the index keys and the query, and the
 * split of a mixed query ("amxl 0.25", "阿莫西林0.25g") into a main token and filter tokens.
 */

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
const CJK_RUN_OR_REST = /[\u3400-\u9fff\uf900-\ufaff]+|[^\u3400-\u9fff\uf900-\ufaff]+/g;

const NEEDS_NFKC = /[^\x20-\x7e\u4e00-\u9fff]/;

/**
 * Full-width → half-width, lower case, and the three ways of writing "times" in a spec (0.25g×24,
 * 0.25g*24, 0.25gx24) made one. U+0001 is the index's separator and can never be searched for.
 */
export function normaliseText(s: string): string {
  // ASCII and the basic CJK block are already in NFKC form: skip the (costly) normalisation for them,
  // which is nearly every product name — the index normalises tens of thousands of strings at start-up
  const t = NEEDS_NFKC.test(s) ? s.normalize('NFKC') : s;
  return t.toLowerCase().replace(/[×*]/g, 'x').replaceAll('\u0001', '');
}

export type TokenClass = 'cjk' | 'letters' | 'other';

export interface Token {
  text: string;
  cls: TokenClass;
}

/** A token led by a digit ("0.25g", "24粒") is a spec or a code, even with letters in it. */
function classOf(t: string): TokenClass {
  if (CJK.test(t) && !/^[0-9.]/.test(t)) return 'cjk';
  if (/^[a-z]/.test(t)) return 'letters';
  return 'other';
}

export interface ParsedQuery {
  /** the query without spaces, for exact code / barcode / national code lookups */
  compact: string;
  /** the token searched in the index */
  main: Token | null;
  /** every other token: a product must contain each of them somewhere (name, spec, maker, codes) */
  filters: string[];
  /** every token, most name-like first: when the main one finds nothing, the next one is tried */
  tokens: Token[];
}

export function parseQuery(q: string): ParsedQuery {
  const text = normaliseText(q).trim();
  const compact = text.replace(/\s+/g, '');
  const tokens: Token[] = [];
  for (const word of text.split(/\s+/).filter(Boolean)) {
    // "阿莫西林0.25g" is a name and a spec typed without a space; "维生素c" and "维生素b1" stay one name
    const runs = word.match(CJK_RUN_OR_REST) ?? [word];
    const splitHere = runs.length > 1 && runs.some((r) => !CJK.test(r) && /^[0-9.]/.test(r));
    for (const r of splitHere ? runs : [word]) tokens.push({ text: r, cls: classOf(r) });
  }
  if (!tokens.length) return { compact, main: null, filters: [], tokens };
  // the main token is the one most likely to be a name: Chinese, then letters, then the rest; then the longest
  const weight: Record<TokenClass, number> = { cjk: 2, letters: 1, other: 0 };
  const rank = (t: Token) => weight[t.cls] * 1000 + t.text.length;
  const ordered = tokens
    .map((t, i) => ({ t, i }))
    .sort((a, b) => rank(b.t) - rank(a.t) || a.i - b.i)
    .map((x) => x.t);
  return {
    compact,
    main: ordered[0]!,
    filters: ordered.slice(1).map((t) => t.text),
    tokens: ordered,
  };
}

const PY_INITIAL = '(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])';
const PY_FINAL =
  '(?:iang|iong|uang|ang|eng|ing|ong|iao|ian|uai|uan|van|ai|ei|ui|ao|ou|iu|ie|ve|ue|er|an|en|in|un|vn|ia|ua|uo|a|o|e|i|u|v)';
/** whole toneless syllables, then perhaps the initial of the next one being typed ("amox", "xilin") */
const PINYIN_RUN = new RegExp(`^(?:${PY_INITIAL}?${PY_FINAL})+${PY_INITIAL}?$`);

/**
 * Could this be full pinyin being typed? "amox" and "xilin" could; "amxl" could not (m, x, l have no
 * vowel), so it is only ever initials — and the index skips the costly scan inside full pinyin for it.
 */
export function looksLikePinyin(q: string): boolean {
  return q.length <= 40 && PINYIN_RUN.test(q);
}
