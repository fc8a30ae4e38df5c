import { useEffect, useRef } from 'react';
import { createScanDetector, type ScanInputEvent } from '../../../../app/shared/scan-input';

export interface ScanWiring {
  /** a whole scan (keyboard-wedge burst), wherever the focus was */
  onScan(code: string): void;
  /**
   * Sees every keydown first; returns true when it handled the key itself, so the detector never
   * holds it (e.g. + and − on an empty scan field). `holding`: the detector holds keys right now.
   */
  onKeyBefore?(e: KeyboardEvent, holding: boolean): boolean;
  /** keys the detector let through (F-keys, arrows, Enter after typed text …) */
  onKeyAfter?(e: KeyboardEvent): void;
  /** where typed text goes when no text field has the focus */
  fallbackField(): HTMLInputElement | null;
}

function isTextField(el: Element | null): el is HTMLInputElement | HTMLTextAreaElement {
  if (el instanceof HTMLTextAreaElement) return !el.readOnly && !el.disabled;
  if (!(el instanceof HTMLInputElement)) return false;
  if (el.readOnly || el.disabled) return false;
  return ['text', 'search', 'password', 'tel', 'number', ''].includes(el.type);
}

/** Puts held keys back into a field the way typing would (React sees an ordinary input event). */
function insertText(field: HTMLInputElement | HTMLTextAreaElement, text: string): void {
  if (document.activeElement !== field) field.focus();
  if (document.execCommand('insertText', false, text)) return;
  const start = field.selectionStart ?? field.value.length;
  const end = field.selectionEnd ?? field.value.length;
  field.setRangeText(text, start, end, 'end');
  field.dispatchEvent(new InputEvent('input', { bubbles: true, data: text, inputType: 'insertText' }));
}

/**
 * The keyboard-wedge scanner on the checkout screen (see app/shared/scan-input.ts): every keydown
 * goes through the burst detector in the capture phase, so a scan lands in the cart whatever field
 * has the focus, and what a person types reaches the field it was typed into, at most 80 ms late.
 */
export function useScanInput(wiring: ScanWiring): void {
  const ref = useRef(wiring);
  useEffect(() => {
    ref.current = wiring;
  });

  useEffect(() => {
    const detector = createScanDetector();
    let timer: ReturnType<typeof setTimeout> | null = null;
    // Keys pressed since the last scan: an Enter after F9 is the cashier's, however soon after a scan.
    let keysSinceScan = 0;

    const apply = (events: ScanInputEvent[]) => {
      for (const ev of events) {
        if (ev.type === 'scan') {
          keysSinceScan = 0;
          ref.current.onScan(ev.code);
          continue;
        }
        const active = document.activeElement;
        if (isTextField(active)) insertText(active, ev.text);
        else if (!document.querySelector('dialog[open]')) {
          const field = ref.current.fallbackField();
          if (field) insertText(field, ev.text);
        }
      }
    };
    const schedule = () => {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      const deadline = detector.deadline();
      if (deadline === null) return;
      timer = setTimeout(
        () => {
          timer = null;
          apply(detector.tick(performance.now()));
          schedule();
        },
        Math.max(0, deadline - performance.now()),
      );
    };

    function onKeyDown(e: KeyboardEvent) {
      const suffixKey = e.key === 'Enter' || e.key === 'Tab';
      const modifierOnly = ['Shift', 'Control', 'Alt', 'Meta'].includes(e.key);
      if (ref.current.onKeyBefore?.(e, detector.deadline() !== null)) {
        // a key the screen handled itself (Alt+N, F6 …) is the cashier's: an Enter after it is theirs too
        if (!suffixKey && !modifierOnly) keysSinceScan++;
        return;
      }
      const r = detector.feed({
        key: e.key,
        time: e.timeStamp,
        ctrlKey: e.ctrlKey,
        altKey: e.altKey,
        metaKey: e.metaKey,
        isComposing: e.isComposing,
      });
      const suffix = e.key === 'Enter' || e.key === 'Tab';
      // The detector swallows a suffix key that comes within 150 ms of a scan (CR+LF scanners send two);
      // when other keys came in between (F6, F9 …) it is the cashier's own Enter and keeps its meaning.
      const swallowedSuffix = suffix && r.consumed && r.events.length === 0;
      const consumed = r.consumed && !(swallowedSuffix && keysSinceScan > 0);
      if (!suffix && !['Shift', 'Control', 'Alt', 'Meta'].includes(e.key)) keysSinceScan++;
      if (consumed) e.preventDefault();
      apply(r.events);
      schedule();
      if (!consumed) ref.current.onKeyAfter?.(e);
    }
    function onBlur() {
      apply(detector.flush());
      schedule();
    }

    window.addEventListener('keydown', onKeyDown, true);
    window.addEventListener('blur', onBlur);
    return () => {
      window.removeEventListener('keydown', onKeyDown, true);
      window.removeEventListener('blur', onBlur);
      if (timer !== null) clearTimeout(timer);
    };
  }, []);
}
