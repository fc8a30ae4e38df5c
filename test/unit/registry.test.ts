import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_CODESETS, ALL_INTERFACES, CODESETS, MANDATORY_INFNOS } from '../../app/nhsa/registry';

/** The 59 interfaces of the retail-pharmacy acceptance test, read from the shared notes themselves. */
function mandatoryFromNotes(): string[] {
  const file = path.resolve(__dirname, '../../../shared/nhsa/interfaces.md');
  const text = fs.readFileSync(file, 'utf8');
  const section = text.slice(text.indexOf('## 1.'), text.indexOf('## 2.'));
  return [...section.matchAll(/^\| \d+ \| (\w+) \|/gm)].map((m) => m[1]!);
}

describe('interface registry', () => {
  it('covers exactly the 59 mandatory interfaces of the acceptance list', () => {
    const expected = mandatoryFromNotes();
    expect(expected).toHaveLength(59);
    expect([...MANDATORY_INFNOS].sort()).toEqual([...expected].sort());
  });

  it('defines each interface once and each dictionary once', () => {
    const infnos = ALL_INTERFACES.map((s) => s.infno);
    expect(new Set(infnos).size).toBe(infnos.length);
    const names = ALL_CODESETS.map((c) => c.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  it('every dictionary a field names exists', () => {
    const missing = new Set<string>();
    for (const s of ALL_INTERFACES)
      for (const n of [...s.input, ...s.output])
        for (const f of n.fields)
          if (f.codeSet && !CODESETS.has(f.codeSet)) missing.add(`${s.infno}.${f.name}→${f.codeSet}`);
    // Dictionaries the notes name but never list are loaded per region with 1901.
    expect([...missing].filter((m) => !/→(naty|psn_type|psn_idet_type)$/.test(m))).toEqual([]);
  });

  it('every field is typed, labelled, and money has two decimals', () => {
    for (const s of ALL_INTERFACES) {
      expect(s.name, s.infno).toMatch(/[\u4e00-\u9fa5]/);
      for (const n of [...s.input, ...s.output]) {
        for (const f of n.fields) {
          expect(['C', 'N', 'D', 'DT', 'B'], `${s.infno}.${f.name}`).toContain(f.type);
          expect(f.label.length, `${s.infno}.${f.name}`).toBeGreaterThan(0);
          if (f.type === 'N' && /_amt$|_pay$|sumamt$/.test(f.name) && !/prop|pric/.test(f.name)) {
            expect(f.scale, `${s.infno}.${f.name}`).toBe(2);
          }
        }
      }
    }
  });

  it('marks exactly 2102 and 2103 as reversible', () => {
    expect(ALL_INTERFACES.filter((s) => s.reversible).map((s) => s.infno)).toEqual(['2102', '2103']);
  });
});
