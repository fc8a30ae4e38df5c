import iconv from 'iconv-lite';
import type { ReceiptLine } from '../../shared/receipt';
import { sanitizeForPrint } from '../../shared/receipt';

/**
 * ESC/POS bytes for Chinese receipt printers. Only the commands in the shared device notes
 * (printers-scanners.md §C.1) are used, so the decoder in decode.ts knows every byte we send.
 */

export const ESC = 0x1b;
export const FS = 0x1c;
export const GS = 0x1d;
export const DLE = 0x10;
export const EOT = 0x04;
export const LF = 0x0a;

export const CMD = {
  init: [ESC, 0x40],
  chineseOn: [FS, 0x26],
  chineseOff: [FS, 0x2e],
  boldOn: [ESC, 0x45, 1],
  boldOff: [ESC, 0x45, 0],
  alignLeft: [ESC, 0x61, 0],
  alignCenter: [ESC, 0x61, 1],
  alignRight: [ESC, 0x61, 2],
  /** ESC ! 0x30: double height + double width for ASCII */
  modeDouble: [ESC, 0x21, 0x30],
  modeNormal: [ESC, 0x21, 0],
  /** FS W 1: hanzi at double width and height; ESC ! alone does not reach the hanzi font on every model */
  chineseQuadOn: [FS, 0x57, 1],
  chineseQuadOff: [FS, 0x57, 0],
  cutFull: [GS, 0x56, 0],
  cutPartial: [GS, 0x56, 1],
} as const;

export type Align = 'left' | 'center' | 'right';
export type CutMode = 'full' | 'partial' | 'none';
export type DrawerPin = 2 | 5;

export const PRINTER_ENCODING = 'gb18030';

export function encodeText(text: string): Buffer {
  return iconv.encode(sanitizeForPrint(text), PRINTER_ENCODING);
}

/** Pulse on 25×2 ms, off 120×2 ms — the values node-escpos sends (notes §C.1). */
export function drawerKickBytes(pin: DrawerPin = 2): number[] {
  return [ESC, 0x70, pin === 2 ? 0 : 1, 25, 120];
}

/** Chainable byte builder; nothing is sent until build(). */
export class EscPosBuilder {
  private readonly parts: Buffer[] = [];

  raw(bytes: ArrayLike<number>): this {
    this.parts.push(Buffer.from(Array.from(bytes)));
    return this;
  }

  /** ESC @ resets the mode, so Chinese mode is selected again right after it. */
  init(chineseMode = true): this {
    this.raw(CMD.init);
    if (chineseMode) this.raw(CMD.chineseOn);
    return this;
  }

  bold(on: boolean): this {
    return this.raw(on ? CMD.boldOn : CMD.boldOff);
  }

  align(a: Align): this {
    return this.raw(a === 'center' ? CMD.alignCenter : a === 'right' ? CMD.alignRight : CMD.alignLeft);
  }

  doubleSize(on: boolean): this {
    return this.raw(on ? CMD.modeDouble : CMD.modeNormal).raw(on ? CMD.chineseQuadOn : CMD.chineseQuadOff);
  }

  text(s: string): this {
    this.parts.push(encodeText(s));
    return this;
  }

  line(s = ''): this {
    return this.text(s).raw([LF]);
  }

  feed(lines = 1): this {
    return this.raw(new Array<number>(Math.max(0, Math.min(255, lines))).fill(LF));
  }

  /** Feeds first so the last printed line clears the cutter, which sits a few lines above the head. */
  cut(mode: CutMode, feedLines = 4): this {
    if (mode === 'none') return this.feed(feedLines);
    return this.feed(feedLines).raw(mode === 'full' ? CMD.cutFull : CMD.cutPartial);
  }

  drawer(pin: DrawerPin = 2): this {
    return this.raw(drawerKickBytes(pin));
  }

  build(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export interface JobOptions {
  cut?: CutMode;
  /** kick the drawer at the start of the job so it opens while the receipt prints */
  openDrawer?: boolean;
  drawerPin?: DrawerPin;
  feedLines?: number;
  /** FS &; some printers start in Chinese mode anyway and ignore it */
  chineseMode?: boolean;
}

/**
 * The bytes for a laid-out receipt. Lines are pre-aligned with spaces by the layout, so the
 * printer's own alignment stays at "left" and the preview cannot drift from the paper.
 */
export function layoutToEscPos(lines: readonly ReceiptLine[], options: JobOptions = {}): Buffer {
  const b = new EscPosBuilder().init(options.chineseMode ?? true).align('left');
  if (options.openDrawer) b.drawer(options.drawerPin ?? 2);
  let bold = false;
  let double = false;
  for (const l of lines) {
    if (Boolean(l.bold) !== bold) b.bold((bold = Boolean(l.bold)));
    if (Boolean(l.double) !== double) b.doubleSize((double = Boolean(l.double)));
    b.line(l.text);
  }
  if (bold) b.bold(false);
  if (double) b.doubleSize(false);
  return b.cut(options.cut ?? 'partial', options.feedLines ?? 4).build();
}

/** A drawer kick on its own (the "open drawer" key, no sale). */
export function drawerOnlyJob(pin: DrawerPin = 2): Buffer {
  return new EscPosBuilder().init(false).drawer(pin).build();
}
