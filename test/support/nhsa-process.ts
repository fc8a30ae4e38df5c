import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { onCleanup } from './nhsa-fixture';

export const ROOT = path.resolve(__dirname, '../..');

/** The environment for a child: this process's, minus any POS_* that could leak into the test. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('POS_')) env[k] = v;
  return { ...env, ...extra };
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** `node --import tsx <script> …args` in the repository root; resolves when it exits. */
export function runNode(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  opts: { timeoutMs?: number; onStdout?: (text: string, child: ChildProcess) => void } = {},
): Promise<Run> & { child: ChildProcess } {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onCleanup(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => {
    stdout += c.toString('utf8');
    opts.onStdout?.(stdout, child);
  });
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
  const done = new Promise<Run>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      // let the pipes drain
      setImmediate(() => resolve({ code, signal, stdout, stderr }));
    });
  });
  return Object.assign(done, { child });
}

/** The CLI as an implementer runs it. */
export function runCli(args: string[], env: Record<string, string>, timeoutMs = 20_000) {
  return runNode('app/cli/main.ts', args, childEnv(env), { timeoutMs });
}

/** JSON lines a child printed. */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{"event"'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
