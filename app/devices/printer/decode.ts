import iconv from 'iconv-lite';
import { PRINTER_ENCODING } from './escpos';

/**
 * Reads captured ESC/POS bytes back into text lines and the commands seen, the way a printer
 * would: for tests, the virtual printer and the counter's end-to-end checks.
 */

export type CommandName =
  | 'init'
  | 'bold'
  | 'underline'
  | 'align'
  | 'print-mode'
  | 'char-size'
  | 'code-table'
  | 'drawer'
  | 'feed-lines'
  | 'beep'
  | 'chinese-on'
  | 'chinese-off'
  | 'chinese-double-width-on'
  | 'chinese-double-width-off'
  | 'chinese-quad'
  | 'chinese-mode'
  | 'cut'
  | 'status-query'
  | 'raster'
  | 'unknown';

export interface DecodedCommand {
  name: CommandName;
  /** byte offset in the input */
  offset: number;
  bytes: number[];
  /** the command's parameter, where it has one (n, or m for a cut / drawer pin) */
  arg?: number;
}

export interface DecodedLine {
  text: string;
  bold: boolean;
  double: boolean;
  align: 'left' | 'center' | 'right';
}

export interface DecodedJob {
  /** printed lines; the blank feed lines after the last text are dropped */
  lines: string[];
  styled: DecodedLine[];
  commands: DecodedCommand[];
  cuts: number;
  drawerKicks: number;
}

interface Spec {
  name: CommandName;
  /** total length including the prefix bytes */
  length: number;
}

const ESC_SPECS: Record<number, Spec> = {
  0x40: { name: 'init', length: 2 },
  0x45: { name: 'bold', length: 3 },
  0x2d: { name: 'underline', length: 3 },
  0x61: { name: 'align', length: 3 },
  0x21: { name: 'print-mode', length: 3 },
  0x74: { name: 'code-table', length: 3 },
  0x70: { name: 'drawer', length: 5 },
  0x64: { name: 'feed-lines', length: 3 },
  0x42: { name: 'beep', length: 4 },
};

const FS_SPECS: Record<number, Spec> = {
  0x26: { name: 'chinese-on', length: 2 },
  0x2e: { name: 'chinese-off', length: 2 },
  0x0e: { name: 'chinese-double-width-on', length: 2 },
  0x14: { name: 'chinese-double-width-off', length: 2 },
  0x57: { name: 'chinese-quad', length: 3 },
  0x21: { name: 'chinese-mode', length: 3 },
};

const ALIGN = ['left', 'center', 'right'] as const;

export function decodeEscPos(input: Uint8Array): DecodedJob {
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const commands: DecodedCommand[] = [];
  const styled: DecodedLine[] = [];
  let text: number[] = [];
  let bold = false;
  let asciiDouble = false;
  let hanziDouble = false;
  let align: DecodedLine['align'] = 'left';

  const endLine = () => {
    styled.push({
      text: iconv.decode(Buffer.from(text), PRINTER_ENCODING),
      bold,
      double: asciiDouble || hanziDouble,
      align,
    });
    text = [];
  };
  const take = (name: CommandName, offset: number, length: number, argIndex?: number): number => {
    const slice = Array.from(bytes.subarray(offset, Math.min(bytes.length, offset + length)));
    const cmd: DecodedCommand = { name, offset, bytes: slice };
    if (argIndex !== undefined && slice[argIndex] !== undefined) cmd.arg = slice[argIndex];
    commands.push(cmd);
    return offset + length;
  };

  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b === 0x0a) {
      endLine();
      i += 1;
    } else if (b === 0x0d) {
      i += 1;
    } else if (b === 0x1b || b === 0x1c) {
      const spec = (b === 0x1b ? ESC_SPECS : FS_SPECS)[bytes[i + 1] ?? -1];
      if (!spec) {
        i = take('unknown', i, 2);
        continue;
      }
      const at = i;
      i = take(spec.name, i, spec.length, spec.length > 2 ? 2 : undefined);
      const arg = bytes[at + 2] ?? 0;
      if (spec.name === 'init') {
        bold = asciiDouble = hanziDouble = false;
        align = 'left';
      } else if (spec.name === 'bold') bold = (arg & 1) === 1;
      else if (spec.name === 'align') align = ALIGN[arg % 48] ?? 'left';
      else if (spec.name === 'print-mode') asciiDouble = (arg & 0x30) === 0x30;
      else if (spec.name === 'chinese-quad') hanziDouble = (arg & 1) === 1;
      else if (spec.name === 'feed-lines') for (let n = 0; n < arg; n++) endLine();
    } else if (b === 0x1d) {
      const op = bytes[i + 1];
      if (op === 0x56) {
        const m = bytes[i + 2] ?? 0;
        i = take('cut', i, m === 0x41 || m === 0x42 ? 4 : 3, 2);
      } else if (op === 0x21) {
        i = take('char-size', i, 3, 2);
      } else if (op === 0x76 && bytes[i + 2] === 0x30) {
        const w = (bytes[i + 4] ?? 0) + 256 * (bytes[i + 5] ?? 0);
        const h = (bytes[i + 6] ?? 0) + 256 * (bytes[i + 7] ?? 0);
        const at = i;
        i += 8 + w * h;
        commands.push({ name: 'raster', offset: at, bytes: Array.from(bytes.subarray(at, at + 8)) });
      } else {
        i = take('unknown', i, 2);
      }
    } else if (b === 0x10 && bytes[i + 1] === 0x04) {
      i = take('status-query', i, 3, 2);
    } else if (b >= 0x81 && b <= 0xfe) {
      // GB18030 lead byte: 4-byte form when the second byte is a digit, else 2-byte.
      const second = bytes[i + 1] ?? 0;
      const len = second >= 0x30 && second <= 0x39 ? 4 : 2;
      for (let k = 0; k < len && i < bytes.length; k++) text.push(bytes[i++]!);
    } else if (b < 0x20) {
      i = take('unknown', i, 1);
    } else {
      text.push(b);
      i += 1;
    }
  }
  if (text.length > 0) endLine();
  while (styled.length > 0 && styled[styled.length - 1]!.text === '') styled.pop();

  return {
    lines: styled.map((l) => l.text),
    styled,
    commands,
    cuts: commands.filter((c) => c.name === 'cut').length,
    drawerKicks: commands.filter((c) => c.name === 'drawer').length,
  };
}

/**
 * Splits a continuous stream (a serial line) into jobs, ending each at a cut. Bytes after the
 * last cut are returned as `rest`, the start of a job still arriving.
 */
export function splitJobs(input: Uint8Array): { jobs: Buffer[]; rest: Buffer } {
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const jobs: Buffer[] = [];
  let start = 0;
  for (const c of decodeEscPos(bytes).commands) {
    if (c.name !== 'cut') continue;
    const m = c.bytes[2];
    const complete = m !== undefined && (m === 0x41 || m === 0x42 ? c.bytes.length === 4 : c.bytes.length === 3);
    if (!complete) break;
    const end = c.offset + c.bytes.length;
    jobs.push(Buffer.from(bytes.subarray(start, end)));
    start = end;
  }
  return { jobs, rest: Buffer.from(bytes.subarray(start)) };
}
