/**
 * A till in a child process that drains its upload backlog, for the restart test: boots the real core on
 * POS_DATA_DIR, logs in (CHILD_USER / CHILD_PASSWORD, a manager) and asks for a drain, printing
 * {"event":"draining"} first so the test can kill it while the batch is on the wire.
 */
import { bootCore } from '../../app/boot';
import { createSession } from '../../app/api/session';

async function main(): Promise<number> {
  const core = await bootCore({ dataDir: process.env.POS_DATA_DIR!, shell: 'cli', version: 'test', env: process.env });
  const session = createSession('test');
  const call = async <T>(channel: string, payload: unknown): Promise<T> => {
    const r = await core.dispatcher.call(session, channel, payload, { screen: 'uploads' });
    if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
    return r.value as T;
  };
  const say = (o: Record<string, unknown>) => process.stdout.write(JSON.stringify(o) + '\n');
  await call('auth.login', { username: process.env.CHILD_USER, password: process.env.CHILD_PASSWORD });
  say({ event: 'draining' });
  const summary = await call('uploads.drainNow', {});
  say({ event: 'drained', summary });
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
