/**
 * A till in a child process, for tests that need a real process boundary: killed mid-call (crash
 * recovery) or run in another time zone (TZ=…). Boots the real core on POS_DATA_DIR (settings from
 * the POS_* environment), makes one call as a CLI-style operator and prints one JSON line.
 *
 *   node --import tsx test/support/nhsa-child.ts <infno> <input.json text> [insuplc_admdvs]
 *
 * Prints {"event":"calling"} before the call and {"event":"done", …} after it.
 *
 * Burst mode (CHILD_REPEAT=n, CHILD_START_AT=epoch ms, CHILD_OPTER=code): signs in, waits for the
 * start time, fires n concurrent calls and prints {"event":"burst", kinds, errors, msgids} — two
 * children started together on one data folder race for the journal and the msgid sequence.
 */
import { bootCore } from '../../app/boot';

async function main(): Promise<number> {
  const [infno = '', inputText = '{}', insuplc] = process.argv.slice(2);
  const core = await bootCore({ dataDir: process.env.POS_DATA_DIR!, shell: 'cli', version: 'test', env: process.env });
  if (!core.nhsa) throw new Error(core.fatal?.message ?? 'no insurance service');
  const op = { id: null, opter: process.env.CHILD_OPTER ?? 'child01', opterName: '子进程收银员' };
  const repeat = Number(process.env.CHILD_REPEAT ?? '1');
  if (repeat > 1) {
    const nhsa = core.nhsa;
    await nhsa.signIn(op, 'child');
    await new Promise((r) => setTimeout(r, Math.max(0, Number(process.env.CHILD_START_AT ?? 0) - Date.now())));
    const settled = await Promise.allSettled(
      Array.from({ length: repeat }, () =>
        nhsa.call(infno, JSON.parse(inputText) as Record<string, unknown>, { operator: op, source: 'child' }),
      ),
    );
    const kinds: Record<string, number> = {};
    const errors: string[] = [];
    const msgids: string[] = [];
    for (const s of settled) {
      if (s.status === 'rejected') errors.push(String((s.reason as Error)?.message ?? s.reason));
      else {
        kinds[s.value.kind] = (kinds[s.value.kind] ?? 0) + 1;
        if (s.value.msgid) msgids.push(s.value.msgid);
      }
    }
    process.stdout.write(
      JSON.stringify({ event: 'burst', kinds, errors: errors.slice(0, 5), errorCount: errors.length, msgids }) + '\n',
    );
    await nhsa.signOut(op, 'child');
    await core.close();
    return errors.length ? 1 : 0;
  }
  process.stdout.write(JSON.stringify({ event: 'calling' }) + '\n');
  const r = await core.nhsa.call(infno, JSON.parse(inputText) as Record<string, unknown>, {
    operator: op,
    insuplcAdmdvs: insuplc ?? null,
    source: 'child',
  });
  const now = new Date();
  process.stdout.write(
    JSON.stringify({
      event: 'done',
      kind: r.kind,
      msgid: r.msgid,
      tzOffsetMinutes: now.getTimezoneOffset(),
      localHours: now.getHours(),
      utcHours: now.getUTCHours(),
    }) + '\n',
  );
  await core.close();
  return r.kind === 'ok' ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`child failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(2);
  },
);
