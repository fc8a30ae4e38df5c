import { createStockDocs } from '../../app/inventory/stock-docs';
import { createStockQuery } from '../../app/inventory/stock-query';
import { CODESETS, interfaceSpec } from '../../app/nhsa/registry';
import { checkInput, checkNodes, type FieldProblemBilingual } from '../../app/nhsa/validate';
import type { Role } from '../../app/shared/roles';
import { counterFixture, type ProductKey } from './counter-fixture';
import type { ServiceOptions } from './nhsa-fixture';

/**
 * A till with the inventory services over the counter fixture (real SQLite file, products P001–P004, the
 * training sandbox): a pharmacist and two managers besides the cashier, and the product facts a purchase upload
 * needs (maker, approval number, category). The clock stands at 2026-11-28 10:00 Beijing time.
 */

export const MAKERS: Partial<Record<ProductKey, { manufacturer: string; aprvno: string; category: string }>> = {
  amoxicillin: { manufacturer: '石药集团欧意药业有限公司', aprvno: '国药准字H13023964', category: '抗感染药' },
  vitaminC: { manufacturer: '华中药业股份有限公司', aprvno: '国药准字H42020919', category: '维生素' },
  ibuprofen: { manufacturer: '中美天津史克制药有限公司', aprvno: '国药准字H10900089', category: '解热镇痛' },
};

/** 20-digit trace codes (码上放心 style, leading 8), distinct per n. */
export const code20 = (n: number) => `8${String(n).padStart(19, '0')}`;

export async function inventoryFixture(opts: ServiceOptions = {}) {
  const f = await counterFixture(opts);
  const addOperator = (username: string, displayName: string, roles: Role[]): number =>
    Number(
      f.db
        .prepare(
          `INSERT INTO operators (username, display_name, roles, password_hash, must_change_password, created_at, updated_at)
           VALUES (?, ?, ?, 'x', 0, 0, 0)`,
        )
        .run(username, displayName, JSON.stringify(roles)).lastInsertRowid,
    );
  const ops = {
    cashier: f.opId,
    pharmacist: addOperator('yaoshi', '钱药师', ['pharmacist']),
    manager: addOperator('dianzhang', '孙店长', ['manager']),
    manager2: addOperator('dianzhang2', '李店长', ['manager']),
  };
  for (const [key, m] of Object.entries(MAKERS) as [ProductKey, NonNullable<(typeof MAKERS)[ProductKey]>][]) {
    f.db
      .prepare('UPDATE products SET manufacturer = ?, aprvno = ?, category = ? WHERE id = ?')
      .run(m.manufacturer, m.aprvno, m.category, f.ids[key]);
  }
  const deps = { db: f.db, log: f.log, now: f.core.now, settings: f.core.settings, audit: f.core.audit };
  const docs = createStockDocs(deps);
  const query = createStockQuery(deps);
  const count = (table: string): number => f.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  /** row counts of every table a posting writes: compared before and after a refused document */
  const footprint = () =>
    Object.fromEntries(
      [
        'stock_docs',
        'stock_doc_lines',
        'stock_batches',
        'stock_ledger',
        'trace_codes',
        'upload_outbox',
        'doc_counters',
        'audit_log',
      ].map((t) => [t, count(t)]),
    );
  const batchQty = (id: number) => f.db.prepare('SELECT qty_base FROM stock_batches WHERE id = ?').pluck().get(id);
  return { ...f, ops, docs, query, count, footprint, batchQty };
}

export type InventoryFixture = Awaited<ReturnType<typeof inventoryFixture>>;

/**
 * Checks an outbox payload against the registry spec of its interface: the single-interface node and, inside
 * its row, the nested drugtracinfo list (the registry writes it as "invinfo.drugtracinfo", which checkInput
 * cannot follow); plus no field the spec does not know.
 */
export function uploadProblems(infno: string, payload: Record<string, unknown>): FieldProblemBilingual[] {
  const spec = interfaceSpec(infno);
  if (!spec) throw new Error(`no spec for ${infno}`);
  const problems = checkInput(spec, payload, CODESETS);
  for (const node of spec.input) {
    const [parent, child] = node.node.split('.');
    const row = payload[parent!] as Record<string, unknown> | undefined;
    if (child && row) {
      problems.push(...checkNodes([{ ...node, node: child }], row, CODESETS, { lenient: false, root: parent! }));
    }
  }
  for (const node of spec.input.filter((n) => !n.node.includes('.'))) {
    const row = payload[node.node] as Record<string, unknown> | undefined;
    const known = new Set([...node.fields.map((f) => f.name), 'drugtracinfo']);
    for (const key of Object.keys(row ?? {})) {
      if (!known.has(key)) problems.push({ path: `${node.node}.${key}`, zh: `未知字段 ${key}`, en: `unknown ${key}` });
    }
  }
  for (const key of Object.keys(payload)) {
    if (!spec.input.some((n) => n.node === key))
      problems.push({ path: key, zh: `未知节点 ${key}`, en: `unknown ${key}` });
  }
  return problems;
}
