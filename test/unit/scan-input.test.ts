import { describe, expect, it } from 'vitest';
import { createScanDetector, type KeyInput, type ScanDetector, type ScanInputEvent } from '../../app/shared/scan-input';

const GS = '\u001d';

/** Feeds keys at the given gaps and lets timers fire as a renderer would. */
function run(detector: ScanDetector, keys: Array<string | KeyInput>, gaps: number | number[], start = 1000) {
  const events: ScanInputEvent[] = [];
  const consumed: boolean[] = [];
  let t = start;
  keys.forEach((k, i) => {
    if (i > 0) t += Array.isArray(gaps) ? gaps[(i - 1) % gaps.length]! : gaps;
    const due = detector.deadline();
    if (due !== null && due <= t) events.push(...detector.tick(due));
    const input = typeof k === 'string' ? { key: k, time: t } : { ...k, time: t };
    const r = detector.feed(input);
    consumed.push(r.consumed);
    events.push(...r.events);
  });
  return { events, consumed, end: t };
}

const settle = (d: ScanDetector): ScanInputEvent[] => {
  const due = d.deadline();
  return due === null ? [] : d.tick(due);
};

const chars = (s: string) => [...s];

describe('keyboard-wedge scan detection', () => {
  it('captures a scanner burst ended by Enter as one code and swallows the Enter', () => {
    const d = createScanDetector();
    const { events, consumed } = run(d, [...chars('6901234567892'), 'Enter'], [12, 25, 8, 18]);
    expect(events).toEqual([{ type: 'scan', code: '6901234567892', source: 'wedge' }]);
    expect(consumed.every(Boolean)).toBe(true);
    expect(d.deadline()).toBeNull();
  });

  it('accepts Tab as a suffix and tolerates one slow 60 ms gap inside a burst', () => {
    const d = createScanDetector();
    const gaps = [20, 20, 60, 20, 15];
    const { events } = run(d, [...chars('83711700173703755001'), 'Tab'], gaps);
    expect(events).toEqual([{ type: 'scan', code: '83711700173703755001', source: 'wedge' }]);
  });

  it('recognises a burst without suffix when the scanner falls silent', () => {
    const d = createScanDetector();
    const { events } = run(d, chars('83711700173703755001'), 15);
    expect(events).toEqual([]);
    expect(settle(d)).toEqual([{ type: 'scan', code: '83711700173703755001', source: 'wedge' }]);
  });

  it('hands a slow typist the text a key at a time', () => {
    const d = createScanDetector();
    const { events, consumed } = run(d, chars('amx'), 180);
    expect(consumed).toEqual([true, true, true]);
    expect([...events, ...settle(d)]).toEqual([
      { type: 'typed', text: 'a' },
      { type: 'typed', text: 'm' },
      { type: 'typed', text: 'x' },
    ]);
  });

  it('does not mistake a fast typist with rolled-over keys for a scanner', () => {
    const d = createScanDetector();
    // ~110 wpm with rollover: some pairs 15–30 ms apart, but a 60 ms average
    const { events } = run(d, [...chars('6901234'), 'Enter'], [25, 70, 15, 75, 30, 60, 50]);
    const all = [...events, ...settle(d)];
    expect(all.some((e) => e.type === 'scan')).toBe(false);
    expect(
      all
        .filter((e) => e.type === 'typed')
        .map((e) => (e.type === 'typed' ? e.text : ''))
        .join(''),
    ).toBe('6901234');
  });

  it('leaves a person’s Enter alone so the field can submit, after the typed text', () => {
    const d = createScanDetector();
    const { events, consumed } = run(d, ['1', '2', 'Enter'], [40, 40]);
    expect(events).toEqual([{ type: 'typed', text: '12' }]);
    expect(consumed).toEqual([true, true, false]);
    // and a plain Enter on its own passes through untouched
    expect(d.feed({ key: 'Enter', time: 5000 })).toEqual({ consumed: false, events: [] });
  });

  it('keeps GS from the control character, from Ctrl+] and from Alt+0029', () => {
    const d = createScanDetector();
    const gtin = '0106901234567892';
    const keys: Array<string | KeyInput> = [
      ...chars(`${gtin}10B1`),
      GS,
      ...chars('21S1'),
      { key: ']', ctrlKey: true, time: 0 },
      ...chars('10B2'),
      { key: 'Alt', altKey: true, time: 0 },
      ...['0', '0', '2', '9'].map((key) => ({ key, altKey: true, time: 0 })),
      ...chars('91X'),
      'Enter',
    ];
    const { events } = run(d, keys, 10);
    expect(events).toEqual([{ type: 'scan', code: `${gtin}10B1${GS}21S1${GS}10B2${GS}91X`, source: 'wedge' }]);
  });

  it('ignores Shift between characters of a burst', () => {
    const d = createScanDetector();
    const { events } = run(d, ['Shift', 'A', 'B', 'Shift', 'C', '1', '2', '3', 'Enter'], 8);
    expect(events).toEqual([{ type: 'scan', code: 'ABC123', source: 'wedge' }]);
  });

  it('separates a scan made while the cashier is typing', () => {
    const d = createScanDetector();
    const first = run(d, chars('am'), 150, 1000);
    const scan = run(d, [...chars('6901234567892'), 'Enter'], 15, first.end + 400);
    const after = run(d, chars('x'), 0, scan.end + 500);
    const all = [...first.events, ...scan.events, ...after.events, ...settle(d)];
    expect(all).toEqual([
      { type: 'typed', text: 'a' },
      { type: 'typed', text: 'm' },
      { type: 'scan', code: '6901234567892', source: 'wedge' },
      { type: 'typed', text: 'x' },
    ]);
  });

  it('swallows the second Enter of a CR+LF suffix but not a later deliberate one', () => {
    const d = createScanDetector();
    const { end } = run(d, [...chars('6901234567892'), 'Enter'], 10);
    expect(d.feed({ key: 'Enter', time: end + 5 })).toEqual({ consumed: true, events: [] });
    expect(d.feed({ key: 'Enter', time: end + 2000 }).consumed).toBe(false);
  });

  it('swallows an Enter arriving just after a silent end of burst', () => {
    const d = createScanDetector();
    const { end } = run(d, chars('6901234567892'), 10);
    const late = d.feed({ key: 'Enter', time: end + 100 });
    expect(late).toEqual({ consumed: true, events: [{ type: 'scan', code: '6901234567892', source: 'wedge' }] });
  });

  it('treats short fast bursts as typing (minLength)', () => {
    const d = createScanDetector();
    const { events } = run(d, ['1', '2', '3', 'Enter'], 10);
    expect(events).toEqual([{ type: 'typed', text: '123' }]);
    const d3 = createScanDetector({ minLength: 3 });
    expect(run(d3, ['1', '2', '3', 'Enter'], 10).events).toEqual([{ type: 'scan', code: '123', source: 'wedge' }]);
  });

  it('with a configured prefix, takes everything up to the suffix regardless of speed', () => {
    const d = createScanDetector({ prefixKeys: ['F9'] });
    const { events, consumed } = run(d, ['F9', '1', '2', '3', 'Enter'], 120);
    expect(events).toEqual([{ type: 'scan', code: '123', source: 'wedge' }]);
    expect(consumed.every(Boolean)).toBe(true);
  });

  it('ends a prefixed scan whose suffix was lost after prefixTimeoutMs', () => {
    const d = createScanDetector({ prefixKeys: ['F9'], prefixTimeoutMs: 300 });
    run(d, ['F9', 'A', 'B'], 20);
    expect(settle(d)).toEqual([{ type: 'scan', code: 'AB', source: 'wedge' }]);
  });

  it('flushes held text before editing keys and IME input, which pass through', () => {
    const d = createScanDetector();
    run(d, ['a'], 0, 1000);
    expect(d.feed({ key: 'Backspace', time: 1020 })).toEqual({
      consumed: false,
      events: [{ type: 'typed', text: 'a' }],
    });
    run(d, ['b'], 0, 2000);
    expect(d.feed({ key: 'Process', time: 2010, isComposing: true })).toEqual({
      consumed: false,
      events: [{ type: 'typed', text: 'b' }],
    });
    expect(d.feed({ key: 'c', time: 3000, ctrlKey: true })).toEqual({ consumed: false, events: [] });
  });

  it('reports when to tick and resolves on flush', () => {
    const d = createScanDetector({ maxGapMs: 50 });
    expect(d.deadline()).toBeNull();
    d.feed({ key: '7', time: 100 });
    expect(d.deadline()).toBe(151);
    expect(d.tick(140)).toEqual([]);
    expect(d.flush()).toEqual([{ type: 'typed', text: '7' }]);
    expect(d.deadline()).toBeNull();
  });
});
