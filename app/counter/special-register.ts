import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/connection';
import { beijingDateTime } from '../nhsa/beijing-time';
import { maskIdNumber, maskName } from '../shared/mask';

/**
 * 含特殊药品复方制剂销售登记: every completed sale of an ephedrine-type or other special compound preparation
 * with its buyer. On screen the buyer is masked; the export (for the drug regulator's inspection) carries the
 * full name and ID number and is written to the data folder, never logged.
 */

export interface SpecialRegisterRow {
  saleId: number;
  receiptNo: string;
  soldAt: string;
  products: string;
  packages: number;
  buyerName: string;
  buyerIdNo: string;
  idSource: string;
  operator: string;
}

export function specialRegister(db: Db, from: number, to: number): SpecialRegisterRow[] {
  const rows = db
    .prepare(
      `SELECT s.id, s.receipt_no, s.completed_at, r.buyer_name, r.buyer_id_no, r.id_source, o.display_name AS operator,
         (SELECT group_concat(p.generic_name || ' ' || coalesce(p.spec, '') || ' ×' || l.qty || l.unit, '；')
            FROM sale_lines l JOIN products p ON p.id = l.product_id
           WHERE l.sale_id = s.id AND (p.special_flags LIKE '%ephedrine%' OR p.special_flags LIKE '%special_compound%')) AS products,
         (SELECT sum(CASE WHEN l.split = 1 THEN 1 ELSE l.qty END)
            FROM sale_lines l JOIN products p ON p.id = l.product_id
           WHERE l.sale_id = s.id AND (p.special_flags LIKE '%ephedrine%' OR p.special_flags LIKE '%special_compound%')) AS packages
       FROM special_drug_sales r JOIN sales s ON s.id = r.sale_id JOIN operators o ON o.id = s.operator_id
      WHERE s.state IN ('completed', 'refunded') AND s.completed_at >= ? AND s.completed_at < ?
      ORDER BY s.completed_at`,
    )
    .all(from, to) as {
    id: number;
    receipt_no: string;
    completed_at: number;
    buyer_name: string;
    buyer_id_no: string;
    id_source: string;
    operator: string;
    products: string | null;
    packages: number | null;
  }[];
  return rows.map((r) => ({
    saleId: r.id,
    receiptNo: r.receipt_no,
    soldAt: beijingDateTime(new Date(r.completed_at)),
    products: r.products ?? '',
    packages: r.packages ?? 0,
    buyerName: r.buyer_name,
    buyerIdNo: r.buyer_id_no,
    idSource: r.id_source === 'reader' ? '读卡' : r.id_source === 'insurance' ? '医保凭证' : '手工录入',
    operator: r.operator,
  }));
}

/** For the screen: the same rows with the buyer masked. */
export function maskedRegister(rows: SpecialRegisterRow[]): SpecialRegisterRow[] {
  return rows.map((r) => ({ ...r, buyerName: maskName(r.buyerName), buyerIdNo: maskIdNumber(r.buyerIdNo) }));
}

const csvCell = (v: string | number) => {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

/** The register as a CSV file (UTF-8 with BOM, so Excel opens the Chinese right). Returns its path. */
export function exportRegister(rows: SpecialRegisterRow[], dir: string, stamp: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `special-drug-register-${stamp}.csv`);
  const head = ['销售时间', '小票号', '药品及数量', '最小包装数', '购买人', '身份证号', '身份核验', '收银员'];
  const lines = rows.map((r) =>
    [r.soldAt, r.receiptNo, r.products, r.packages, r.buyerName, r.buyerIdNo, r.idSource, r.operator]
      .map(csvCell)
      .join(','),
  );
  fs.writeFileSync(file, '\ufeff' + [head.join(','), ...lines].join('\r\n') + '\r\n', { mode: 0o600 });
  return file;
}
