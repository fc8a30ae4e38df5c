/**
 * Keyboard-wedge scanner detection. A wedge scanner "types" its code, so the only difference from a
 * person is speed: scanners send a character every 5–60 ms (about 20 ms on average, WooCommerce POS
 * measurements), people rarely sustain less than 100 ms. The detector holds printable keys while a
 * burst may be under way and then says what they were: one scan, or text a person typed.
 *
 * Pure and timer-free so it runs in the renderer and in tests alike. Wiring in the renderer (capture
 * phase on window, so a scan is caught whatever has focus):
 *
 *   const r = detector.feed({ key: e.key, time: e.timeStamp, ctrlKey: e.ctrlKey, altKey: e.altKey,
 *                             metaKey: e.metaKey, isComposing: e.isComposing });
 *   if (r.consumed) e.preventDefault();
 *   apply(r.events);            // synchronously: 'typed' text goes into the focused field first
 *   schedule(detector.deadline()); // on the timer: apply(detector.tick(performance.now()))
 *
 * Held keys reach the field later as a 'typed' event (insert with setRangeText or
 * execCommand('insertText')), at most `maxGapMs` late. IME composition (Chinese input) is never held —
 * which also means a scan made while a Chinese IME is composing goes to the IME, not here: keep the IME
 * off in scan fields, or use a prefix / the serial (virtual COM) mode on such counters.
 */

/** A keydown as the detector needs it; `key` is KeyboardEvent.key. */
export interface KeyInput {
  key: string;
  /** milliseconds; use the event's own timestamp so a busy main thread does not distort gaps */
  time: number;
  ctrlKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
  isComposing?: boolean;
}

export type ScanInputEvent = { type: 'scan'; code: string; source: 'wedge' } | { type: 'typed'; text: string };

export interface FeedResult {
  /** call preventDefault(): the key belongs to a scan or is held and will come back as 'typed' */
  consumed: boolean;
  /** to apply in order, before the key's own default action */
  events: ScanInputEvent[];
}

export interface ScanDetectorOptions {
  /**
   * Longest pause inside one burst. 80 ms: the slowest gap measured on a real scanner was 60 ms
   * (WooCommerce POS), plus headroom for a loaded counter PC; onscan.js and WooCommerce allow 100 ms.
   * It is also the most a typed character is delayed.
   */
  maxGapMs: number;
  /**
   * Highest average gap of a burst that still counts as a scan. 35 ms: onscan.js uses 30 ms, measured
   * scanners average about 20 ms, while even a fast typist averages well above 50 ms over 6+ keys
   * (a few rolled-over key pairs come closer, which is why the average, not one gap, decides).
   */
  maxAvgGapMs: number;
  /**
   * Shortest scan without a prefix. 6 (onscan.js, jQuery-Scanner-Detection): EAN-8 is the shortest
   * code sold here; shorter fast bursts are far more likely rolled-over typing.
   */
  minLength: number;
  /** KeyboardEvent.key values that end a scan; CR and LF characters always do */
  suffixKeys: readonly string[];
  /**
   * Keys a scanner can be programmed to send first (e.g. 'F9' or '\u0002'). After one, everything up
   * to the suffix is a scan whatever its speed or length — the deterministic set-up.
   */
  prefixKeys: readonly string[];
  /** after a prefix, a pause this long ends the scan (a lost suffix must not swallow the keyboard) */
  prefixTimeoutMs: number;
  /**
   * A suffix key this soon after a scan is swallowed: CR+LF scanners send two Enters, and a stray
   * Enter must not also add the previous product again (odoo/odoo PR #31185).
   */
  trailingSuffixMs: number;
}

export const DEFAULT_SCAN_OPTIONS: ScanDetectorOptions = {
  maxGapMs: 80,
  maxAvgGapMs: 35,
  minLength: 6,
  suffixKeys: ['Enter', 'Tab'],
  prefixKeys: [],
  prefixTimeoutMs: 500,
  trailingSuffixMs: 150,
};

export interface ScanDetector {
  feed(input: KeyInput): FeedResult;
  /** resolves a burst that ended by silence; call at or after deadline() */
  tick(now: number): ScanInputEvent[];
  /** when tick() should next be called, or null when nothing is held */
  deadline(): number | null;
  /** resolves whatever is held now (e.g. on window blur) */
  flush(): ScanInputEvent[];
}

const GS = '\u001d';
const MODIFIERS = new Set([
  'Shift',
  'Control',
  'Alt',
  'AltGraph',
  'CapsLock',
  'Meta',
  'NumLock',
  'OS',
  'Hyper',
  'Super',
]);

type KeyKind = 'modifier' | 'ime' | 'prefix' | 'suffix' | 'alt-digit' | 'char' | 'other';

export function createScanDetector(options: Partial<ScanDetectorOptions> = {}): ScanDetector {
  const opt: ScanDetectorOptions = { ...DEFAULT_SCAN_OPTIONS, ...options };
  const prefixes = new Set(opt.prefixKeys);
  const suffixes = new Set([...opt.suffixKeys, '\r', '\n']);

  let chars: string[] = [];
  let times: number[] = [];
  let prefixMode = false;
  let prefixAt = 0;
  let lastScanEnd: number | null = null;
  // Alt + numpad 0029 is how some wedge scanners type GS; the digits arrive with altKey set.
  let altDigits = '';
  let altAt = 0;

  const lastTime = (): number | null => {
    const t = times.length ? times[times.length - 1]! : prefixMode ? prefixAt : null;
    return altDigits ? Math.max(t ?? altAt, altAt) : t;
  };
  const limit = () => (prefixMode ? opt.prefixTimeoutMs : opt.maxGapMs);

  function classify(k: KeyInput): KeyKind {
    const { key } = k;
    if (MODIFIERS.has(key)) return 'modifier';
    if (k.isComposing || key === 'Process') return 'ime';
    if (prefixes.has(key)) return 'prefix';
    if (suffixes.has(key)) return 'suffix';
    if (k.ctrlKey && !k.altKey && (key === 'm' || key === 'j')) return 'suffix'; // Ctrl+M = CR, Ctrl+J = LF
    if (key === GS || (k.ctrlKey && !k.altKey && key === ']')) return 'char';
    if (k.altKey && !k.ctrlKey && /^[0-9]$/.test(key)) return 'alt-digit';
    if (k.metaKey || (k.ctrlKey && !k.altKey)) return 'other';
    if ([...key].length === 1) return 'char';
    return 'other';
  }

  function settleAltDigits(): void {
    if (!altDigits) return;
    // Only GS is taken from Alt codes: for printable codes the OS delivers the character itself.
    if (Number(altDigits) === 29) {
      chars.push(GS);
      times.push(altAt);
    }
    altDigits = '';
  }

  function isScan(): boolean {
    if (prefixMode) return chars.length > 0;
    if (chars.length < opt.minLength) return false;
    const span = times[times.length - 1]! - times[0]!;
    return span / (times.length - 1) <= opt.maxAvgGapMs;
  }

  /** Resolves the held keys; `end` is when the burst ended (for the trailing-suffix rule). */
  function resolve(end: number): ScanInputEvent[] {
    settleAltDigits();
    const text = chars.join('');
    const scan = isScan();
    chars = [];
    times = [];
    prefixMode = false;
    if (!text) return [];
    if (scan) {
      lastScanEnd = end;
      return [{ type: 'scan', code: text, source: 'wedge' }];
    }
    return [{ type: 'typed', text }];
  }

  function feed(k: KeyInput): FeedResult {
    const kind = classify(k);
    if (kind === 'modifier') return { consumed: false, events: [] };

    const events: ScanInputEvent[] = [];
    const last = lastTime();
    if (last !== null && k.time - last > limit()) events.push(...resolve(last));
    if (kind !== 'alt-digit') settleAltDigits();

    switch (kind) {
      case 'alt-digit':
        altDigits += k.key;
        altAt = k.time;
        return { consumed: true, events };
      case 'char':
        chars.push(k.ctrlKey && k.key === ']' ? GS : k.key);
        times.push(k.time);
        return { consumed: true, events };
      case 'prefix':
        events.push(...resolve(k.time));
        prefixMode = true;
        prefixAt = k.time;
        return { consumed: true, events };
      case 'suffix': {
        if (chars.length === 0 && !prefixMode) {
          const trailing = lastScanEnd !== null && k.time - lastScanEnd <= opt.trailingSuffixMs;
          if (trailing) lastScanEnd = null;
          return { consumed: trailing, events };
        }
        const resolved = resolve(k.time);
        events.push(...resolved);
        // A person's Enter after typed text keeps its meaning (submit the field).
        return { consumed: resolved.some((e) => e.type === 'scan') || resolved.length === 0, events };
      }
      case 'ime':
      case 'other':
      default:
        events.push(...resolve(k.time));
        return { consumed: false, events };
    }
  }

  return {
    feed,
    tick(now) {
      const last = lastTime();
      if (last === null || now - last <= limit()) return [];
      return resolve(last);
    },
    deadline() {
      const last = lastTime();
      return last === null ? null : last + limit() + 1;
    },
    flush() {
      return resolve(lastTime() ?? 0);
    },
  };
}
