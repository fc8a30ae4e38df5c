/**
 * A cashier's till in a child process, for the crash test: boots the real core on POS_DATA_DIR, logs in
 * (CHILD_USER / CHILD_PASSWORD), rings up the barcodes given as arguments for the person with ID CHILD_ID_NO,
 * pre-settles and settles — printing one JSON line per step ({"event":"settling","saleId":…} right before
 * 2102) so the test can kill it while 2102 is on the wire.
 */
import { bootCore } from '../../app/boot';
import { createSession } from '../../app/api/session';
import type { SaleView } from '../../app/shared/counter';

async function main(): Promise<number> {
  const core = await bootCore({ dataDir: process.env.POS_DATA_DIR!, shell: 'cli', version: 'test', env: process.env });
  const session = createSession('test');
  const call = async <T>(channel: string, payload: unknown): Promise<T> => {
    const r = await core.dispatcher.call(session, channel, payload, { screen: 'sale' });
    if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
    return r.value as T;
  };
  const say = (o: Record<string, unknown>) => process.stdout.write(JSON.stringify(o) + '\n');
  await call('auth.login', { username: process.env.CHILD_USER, password: process.env.CHILD_PASSWORD });
  const sale = await call<SaleView>('counter.start', {});
  for (const code of process.argv.slice(2)) await call('counter.scan', { saleId: sale.id, code });
  await call('counter.readPerson', { saleId: sale.id, source: { medium: 'id_number', idNo: process.env.CHILD_ID_NO } });
  await call('counter.preSettle', { saleId: sale.id });
  say({ event: 'settling', saleId: sale.id });
  const done = await call<SaleView>('counter.settle', { saleId: sale.id });
  say({ event: 'settled', saleId: sale.id, state: done.state });
  await core.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`child failed: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(2);
  },
);
