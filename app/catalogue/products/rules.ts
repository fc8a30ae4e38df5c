import type { FieldProblem } from '../../shared/errors';
import type { ProductInput } from './model';

/**
 * Business rules of a product that the contract's schema cannot state field by field. Pure: the
 * rules that need the database (unique code, barcodes owned by another product, a code frozen by
 * an uploaded mapping) are in the product service. Paths are the contract's field names.
 */
export function productRuleProblems(p: ProductInput): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const has = (v: unknown) => v !== null && v !== undefined && v !== '';

  if (has(p.splitUnit) && !has(p.splitFactor)) {
    problems.push({
      path: 'splitFactor',
      message: '填写了拆零单位，必须同时填写拆零系数（1个单位可拆成多少拆零单位）',
    });
  }
  if (has(p.splitFactor) && !has(p.splitUnit)) {
    problems.push({ path: 'splitUnit', message: '填写了拆零系数，必须同时填写拆零单位' });
  }
  if (has(p.splitPriceFen) && !has(p.splitUnit)) {
    problems.push({ path: 'splitPriceFen', message: '没有拆零单位的商品不能设置拆零价' });
  }
  if (has(p.splitUnit) && p.splitUnit === p.unit) {
    problems.push({ path: 'splitUnit', message: '拆零单位不能与单位相同' });
  }
  if (has(p.memberPriceFen) && (p.memberPriceFen as number) > p.retailPriceFen) {
    problems.push({ path: 'memberPriceFen', message: '会员价不能高于零售价' });
  }
  const special = p.specialFlags.filter((f) => f === 'ephedrine' || f === 'special_compound');
  if (special.length && p.rxClass === 'non_drug') {
    problems.push({
      path: 'specialFlags',
      message: '含麻黄碱类或含特殊药品复方制剂必须是药品：请把处方分类设为处方药或非处方药',
    });
  }
  return problems;
}

/** Barcodes as stored: trimmed, each once, in the order given. */
export function cleanBarcodes(list: readonly string[]): string[] {
  return [...new Set(list.map((b) => b.trim()).filter(Boolean))];
}
