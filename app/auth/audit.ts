import type { AuditRow } from '../shared/contract';
import { maskDeep } from '../shared/mask';
import type { Db } from '../db/connection';

export interface AuditEntry {
  operatorId: number | null;
  operatorName: string | null;
  action: string;
  screen?: string | null;
  outcome?: 'ok' | 'denied' | 'failed';
  detail?: Record<string, unknown> | null;
}

export interface AuditQuery {
  from?: string;
  to?: string;
  operatorId?: number;
  action?: string;
  limit: number;
  offset: number;
}

/**
 * Append-only audit trail: who did what, when, from which screen. There is deliberately no
 * update or delete here, and triggers in the schema refuse them from anywhere else.
 */
export interface AuditLog {
  record(entry: AuditEntry): void;
  list(q: AuditQuery): { rows: AuditRow[]; total: number };
}

export function createAuditLog(db: Db, now: () => number = Date.now): AuditLog {
  const insert = db.prepare(
    'INSERT INTO audit_log (at, operator_id, operator_name, action, screen, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  return {
    record(e) {
      insert.run(
        now(),
        e.operatorId,
        e.operatorName,
        e.action,
        e.screen ?? null,
        e.outcome ?? 'ok',
        e.detail ? JSON.stringify(maskDeep(e.detail)) : null,
      );
    },
    list(q) {
      const where: string[] = [];
      const args: (string | number)[] = [];
      if (q.from) {
        where.push('at >= ?');
        args.push(Date.parse(q.from));
      }
      if (q.to) {
        where.push('at <= ?');
        args.push(Date.parse(q.to));
      }
      if (q.operatorId) {
        where.push('operator_id = ?');
        args.push(q.operatorId);
      }
      if (q.action) {
        where.push("action LIKE ? ESCAPE '\\'");
        args.push(`%${q.action.replace(/[\\%_]/g, (c) => '\\' + c)}%`);
      }
      const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const total = (db.prepare(`SELECT count(*) AS n FROM audit_log ${clause}`).get(...args) as { n: number }).n;
      const rows = db
        .prepare(
          `SELECT id, at, operator_id, operator_name, action, screen, outcome, detail FROM audit_log ${clause}
           ORDER BY at DESC, id DESC LIMIT ? OFFSET ?`,
        )
        .all(...args, q.limit, q.offset) as {
        id: number;
        at: number;
        operator_id: number | null;
        operator_name: string | null;
        action: string;
        screen: string | null;
        outcome: AuditRow['outcome'];
        detail: string | null;
      }[];
      return {
        total,
        rows: rows.map((r) => ({
          id: r.id,
          at: new Date(r.at).toISOString(),
          operatorId: r.operator_id,
          operatorName: r.operator_name,
          action: r.action,
          screen: r.screen,
          outcome: r.outcome,
          detail: r.detail ? (JSON.parse(r.detail) as unknown) : null,
        })),
      };
    },
  };
}
