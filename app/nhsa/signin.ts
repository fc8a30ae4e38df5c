import os from 'node:os';
import type { Db } from '../db/connection';
import type { Logger } from '../core/logger';
import type { NhsaClient, NhsaOperator, NhsaResult } from './client';

/** The till's own address for 9001 (mac, ip); the first non-internal IPv4 interface. */
export function localAddress(): { ip: string; mac: string } {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.family === 'IPv4' && !a.internal) return { ip: a.address, mac: a.mac.toUpperCase().replace(/:/g, '-') };
    }
  }
  return { ip: '127.0.0.1', mac: '00-00-00-00-00-00' };
}

/**
 * 9001/9002 per operator: signed in at the operator's first call, sign_no kept in the database
 * (so a restart does not need a new sign-in), signed out at logout and when the app closes.
 */
export function createSignInStore(db: Db, log: Logger, now: () => Date = () => new Date()) {
  const get = db.prepare('SELECT sign_no FROM nhsa_signins WHERE opter = ?');
  const put = db.prepare(
    `INSERT INTO nhsa_signins (operator_id, opter, sign_no, signed_in_at, msgid) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(operator_id) DO UPDATE SET opter = excluded.opter, sign_no = excluded.sign_no,
       signed_in_at = excluded.signed_in_at, msgid = excluded.msgid`,
  );
  const del = db.prepare('DELETE FROM nhsa_signins WHERE opter = ?');
  // CLI operators who are not in the operators table are kept in memory only.
  const transient = new Map<string, string>();
  const inFlight = new Map<string, Promise<NhsaResult>>();

  const signNoOf = (op: NhsaOperator): string | null =>
    op.id === null
      ? (transient.get(op.opter) ?? null)
      : ((get.get(op.opter) as { sign_no: string } | undefined)?.sign_no ?? null);

  return {
    signNoOf,

    async signIn(client: NhsaClient, op: NhsaOperator, source = 'app'): Promise<NhsaResult> {
      // Two calls starting together share one 9001.
      const running = inFlight.get(op.opter);
      if (running) return running;
      const { ip, mac } = localAddress();
      const p = client
        .call('9001', { signIn: { opter_no: op.opter, mac, ip } }, { operator: op, source })
        .then((r) => {
          if (r.kind === 'ok') {
            const out = r.output.signinoutb as { sign_no?: unknown } | undefined;
            const signNo =
              typeof out?.sign_no === 'string'
                ? out.sign_no
                : typeof out?.sign_no === 'number'
                  ? String(out.sign_no)
                  : '';
            if (!signNo) {
              log.error('nhsa: 9001 answered without sign_no', { msgid: r.msgid });
              return {
                kind: 'business_error',
                infno: '9001',
                msgid: r.msgid,
                infcode: '0',
                errMsg: '签到应答缺少签到编号（sign_no）',
              } as NhsaResult;
            }
            if (op.id === null) transient.set(op.opter, signNo);
            else put.run(op.id, op.opter, signNo, now().getTime(), r.msgid);
          }
          return r;
        })
        .finally(() => inFlight.delete(op.opter));
      inFlight.set(op.opter, p);
      return p;
    },

    async signOut(client: NhsaClient, op: NhsaOperator, source = 'app'): Promise<NhsaResult | null> {
      const signNo = signNoOf(op);
      if (!signNo) return null;
      const r = await client.call(
        '9002',
        { signOut: { sign_no: signNo, opter_no: op.opter } },
        { operator: op, source },
      );
      // The local sign-in is dropped whatever the answer: the next call signs in afresh.
      transient.delete(op.opter);
      del.run(op.opter);
      return r;
    },

    /** CLI and system operators signed in by this process only (kept in memory). */
    transientOperators(): NhsaOperator[] {
      return [...transient.keys()].map((opter) => ({ id: null, opter, opterName: opter }));
    },

    signedInOperators(): { operatorId: number; opter: string }[] {
      return (
        db.prepare('SELECT operator_id, opter FROM nhsa_signins').all() as { operator_id: number; opter: string }[]
      ).map((r) => ({
        operatorId: r.operator_id,
        opter: r.opter,
      }));
    },
  };
}

export type SignInStore = ReturnType<typeof createSignInStore>;
