/**
 * 3301's list_type (目录类别, catalogue.md §5.1) from the catalogue a national code comes from:
 * 101 西药 / 102 中成药 (1301, told apart by 中成药标志 or the code's Z prefix), 103 中药饮片 (1302),
 * 105 民族药 (1304), 301 医用耗材 (1306, 1306A).
 *
 * Choices where the notes are silent: 中药配方颗粒 (1320) goes as 103 — it is dispensed as a 饮片
 * substitute and no list_type of its own was found; Guangdong's combined 101 = 西药中成药 needs a region
 * rule and is not applied here. 1309 is a list of diseases, not of items: it cannot be mapped.
 */
export function listTypeOf(catalogue: string, code: string, tcmpatFlag: string | null): string | null {
  switch (catalogue) {
    case '1301':
      return tcmpatFlag === '1' || /^Z/i.test(code) ? '102' : '101';
    case '1302':
    case '1320':
      return '103';
    case '1304':
      return '105';
    case '1306':
    case '1306A':
      return '301';
    default:
      return null;
  }
}
