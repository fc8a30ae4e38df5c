/**
 * Reading what the cashier typed: one normal form shared by the index keys and the query, and the
 * split of a mixed query ("amxl 0.25", "阿莫西林0.25g") into a main token and filter tokens.
 */

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;
const CJK_RUN_OR_REST = /[\u3400-\u9fff\uf900-\ufaff]+|[^\u3400-\u9fff\uf900-\ufaff]+/g;

/**
 * Full-width → half-width, lower case, and the three ways of writing "times" in a spec (0.25g×24,
 * 0.25g*24, 0.25gx24) made one. U+0001 is the index's separator and can never be searched for.
 */
export function normaliseText(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[×*]/g, 'x')
    .replace(/\u0001/g, '');
}

export type TokenClass = 'cjk' | 'letters' | 'other';

export interface Token {
  text: string;
  cls: TokenClass;
}

function classOf(t: string): TokenClass {
  if (CJK.test(t)) return 'cjk';
  if (/[a-z]/.test(t)) return 'letters';
  return 'other';
}

export interface ParsedQuery {
  /** the query without spaces, for exact code / barcode / national code lookups */
  compact: string;
  /** the token searched in the index */
  main: Token | null;
  /** every other token: a product must contain each of them somewhere (name, spec, maker, codes) */
  filters: string[];
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
  if (!tokens.length) return { compact, main: null, filters: [] };
  // the main token is the one most likely to be a name: Chinese or letters before digits, then the longest
  const rank = (t: Token) => (t.cls === 'other' ? 0 : 1) * 1000 + t.text.length;
  let best = 0;
  tokens.forEach((t, i) => {
    if (rank(t) > rank(tokens[best]!)) best = i;
  });
  return {
    compact,
    main: tokens[best]!,
    filters: tokens.filter((_, i) => i !== best).map((t) => t.text),
  };
}
