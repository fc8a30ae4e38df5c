import type { Db } from '../db/connection';
import { beijingCompact } from './beijing-time';

/**
 * msgid = fixmedins_code + yyyyMMddHHmmss (Beijing time) + 4-digit sequence (transport.md §1).
 * Implementations seen use a random tail; we use a sequence kept in SQLite so that a msgid is
 * never handed out twice — not across restarts, not with many calls in one second, not when
 * the clock is set back (the time part then stays at the last second used and counts on).
 * Call `next` inside the transaction that journals the call, so both commit together.
 *
 * Durability: for non-reversible calls that transaction runs with synchronous=NORMAL, so a power
 * cut can lose the last few sequence numbers. They are not reused in practice, because a restart
 * takes longer than a second and the time part has moved on — only a power cut combined with the
 * clock being set back could repeat one, and the center then answers 报文ID重复 (a business error).
 */
export function createMsgidAllocator(db: Db) {
  const read = db.prepare('SELECT last_second, last_seq FROM nhsa_msgid_state WHERE id = 1');
  const write = db.prepare(
    `INSERT INTO nhsa_msgid_state (id, last_second, last_seq) VALUES (1, ?, ?)
     ON CONFLICT(id) DO UPDATE SET last_second = excluded.last_second, last_seq = excluded.last_seq`,
  );
  return {
    next(fixmedinsCode: string, now: Date): string {
      const state = read.get() as { last_second: string; last_seq: number } | undefined;
      let second = beijingCompact(now);
      let seq = 1;
      if (state && state.last_second >= second) {
        second = state.last_second;
        seq = state.last_seq + 1;
        if (seq > 9999) {
          second = addOneSecond(second);
          seq = 1;
        }
      }
      write.run(second, seq);
      return `${fixmedinsCode}${second}${String(seq).padStart(4, '0')}`;
    },
  };
}

/** yyyyMMddHHmmss + 1 s, computed on the digits so no time zone is involved. */
function addOneSecond(compact: string): string {
  const d = new Date(
    Date.UTC(
      Number(compact.slice(0, 4)),
      Number(compact.slice(4, 6)) - 1,
      Number(compact.slice(6, 8)),
      Number(compact.slice(8, 10)),
      Number(compact.slice(10, 12)),
      Number(compact.slice(12, 14)) + 1,
    ),
  );
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}
