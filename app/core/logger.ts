import fs from 'node:fs';
import path from 'node:path';
import { maskDeep, maskText } from '../shared/mask';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(bindings: Record<string, unknown>): Logger;
  setLevel(level: LogLevel): void;
}

export interface FileLoggerOptions {
  dir: string;
  level?: LogLevel;
  /** rotate when the current file would grow past this many bytes */
  maxBytes?: number;
  /** rotated files kept besides the current one */
  maxFiles?: number;
  fileName?: string;
  /** also echo to stderr (warnings and errors only) — for CLIs and browser mode */
  echo?: boolean;
  now?: () => Date;
}

interface Sink {
  level: number;
  write(line: string, level: LogLevel): void;
}

/**
 * JSON-lines logger. Every record goes through maskDeep, so a caller cannot log an ID number,
 * a card number, a name or a secret in full even by mistake.
 */
export function createFileLogger(options: FileLoggerOptions): Logger & { close(): void; filePath: string } {
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  const maxFiles = options.maxFiles ?? 10;
  const fileName = options.fileName ?? 'pos.log';
  fs.mkdirSync(options.dir, { recursive: true });
  const filePath = path.join(options.dir, fileName);
  let fd = fs.openSync(filePath, 'a', 0o600);
  let size = fs.fstatSync(fd).size;

  const rotate = () => {
    fs.closeSync(fd);
    const base = fileName.replace(/\.log$/, '');
    fs.rmSync(path.join(options.dir, `${base}.${maxFiles}.log`), { force: true });
    for (let i = maxFiles - 1; i >= 1; i--) {
      const from = path.join(options.dir, `${base}.${i}.log`);
      if (fs.existsSync(from)) fs.renameSync(from, path.join(options.dir, `${base}.${i + 1}.log`));
    }
    fs.renameSync(filePath, path.join(options.dir, `${base}.1.log`));
    fd = fs.openSync(filePath, 'a', 0o600);
    size = 0;
  };

  let closed = false;
  const sink: Sink = {
    level: LEVELS[options.level ?? 'info'],
    write(line, level) {
      // Background work finishing after shutdown must not crash on a closed file.
      if (closed) return;
      const bytes = Buffer.byteLength(line);
      if (size > 0 && size + bytes > maxBytes) rotate();
      fs.writeSync(fd, line);
      size += bytes;
      if (options.echo && LEVELS[level] >= LEVELS.warn) process.stderr.write(line);
    },
  };

  const logger = makeLogger(sink, {}, options.now ?? (() => new Date()));
  return Object.assign(logger, {
    filePath,
    close() {
      closed = true;
      try {
        fs.closeSync(fd);
      } catch {
        /* already closed */
      }
    },
  });
}

/** A logger that keeps masked records in memory — for tests and for code that runs before the data folder exists. */
export function createMemoryLogger(level: LogLevel = 'debug'): Logger & { records: Record<string, unknown>[] } {
  const records: Record<string, unknown>[] = [];
  const sink: Sink = {
    level: LEVELS[level],
    write(line) {
      records.push(JSON.parse(line) as Record<string, unknown>);
    },
  };
  return Object.assign(
    makeLogger(sink, {}, () => new Date()),
    { records },
  );
}

function makeLogger(sink: Sink, bindings: Record<string, unknown>, now: () => Date): Logger {
  const log = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < sink.level) return;
    const record = maskDeep({ ...bindings, ...fields });
    const line =
      JSON.stringify({ time: now().toISOString(), level, msg: maskText(msg), ...record }, (_k, v: unknown) =>
        typeof v === 'bigint' ? v.toString() : v,
      ) + '\n';
    sink.write(line, level);
  };
  return {
    debug: (m, f) => log('debug', m, f),
    info: (m, f) => log('info', m, f),
    warn: (m, f) => log('warn', m, f),
    error: (m, f) => log('error', m, f),
    child: (b) => makeLogger(sink, { ...bindings, ...b }, now),
    setLevel: (level) => {
      sink.level = LEVELS[level];
    },
  };
}
