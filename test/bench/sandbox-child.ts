/**
 * The sandbox center in a process of its own, for the benches: a real center is another machine, so its work must
 * not share the till's event loop. Prints {"url": …} once listening; stops when its stdin closes.
 */
import { createMemoryLogger } from '../../app/core/logger';
import { startSandbox } from '../../app/sandbox/server';

async function main(): Promise<void> {
  const sb = await startSandbox({ dbPath: process.argv[2]!, log: createMemoryLogger('warn') });
  process.stdout.write(JSON.stringify({ url: sb.url }) + '\n');
  process.stdin.resume();
  process.stdin.on('end', () => void sb.close().then(() => process.exit(0)));
}

void main();
