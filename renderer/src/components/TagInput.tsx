import { useState, type ClipboardEvent, type KeyboardEvent } from 'react';

interface TagInputProps {
  id?: string;
  tags: readonly string[];
  onChange: (tags: string[]) => void;
  /** the text not yet turned into a tag; kept by the parent so that Save can take it too */
  draft: string;
  onDraftChange: (draft: string) => void;
  /** null when the tag is acceptable, otherwise why not */
  validate: (tag: string, existing: readonly string[]) => string | null;
  onProblem: (message: string | null) => void;
  max: number;
  describedBy?: string;
  invalid?: boolean;
  placeholder?: string;
  testId?: string;
}

/**
 * A list of short codes (barcodes) typed or scanned one after another: Enter, Tab-less comma or
 * space adds one (a scanner ends each code with Enter), Backspace in the empty box takes the last
 * one back, × removes any. A paste of several codes adds them all.
 */
export function TagInput({
  id,
  tags,
  onChange,
  draft,
  onDraftChange,
  validate,
  onProblem,
  max,
  describedBy,
  invalid,
  placeholder,
  testId,
}: TagInputProps) {
  const [focused, setFocused] = useState(false);

  function add(texts: string[]): boolean {
    let next = [...tags];
    let problem: string | null = null;
    for (const raw of texts) {
      const t = raw.trim();
      if (!t) continue;
      if (next.length >= max) {
        problem = `最多 ${max} 个`;
        break;
      }
      const why = validate(t, next);
      if (why) {
        problem = `${t}：${why}`;
        break;
      }
      next = [...next, t];
    }
    // the list first, the problem last: whoever shows problems may clear them when the list changes
    if (next.length !== tags.length) onChange(next);
    onProblem(problem);
    return problem === null;
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.nativeEvent.isComposing) return;
    if (e.key === 'Enter' || e.key === ',' || e.key === ' ') {
      // Enter here never submits the form: a scanner's Enter only finishes the code
      e.preventDefault();
      if (draft.trim() && add([draft])) onDraftChange('');
    } else if (e.key === 'Backspace' && draft === '' && tags.length > 0) {
      e.preventDefault();
      const last = tags[tags.length - 1] ?? '';
      onChange(tags.slice(0, -1));
      onDraftChange(last);
    }
  }

  function onPaste(e: ClipboardEvent<HTMLInputElement>) {
    const text = e.clipboardData.getData('text');
    const parts = text.split(/[\s,，;；]+/).filter(Boolean);
    if (parts.length > 1) {
      e.preventDefault();
      if (add(parts)) onDraftChange('');
    }
  }

  return (
    <div
      className={['tag-input', focused ? 'focused' : '', invalid ? 'invalid' : ''].filter(Boolean).join(' ')}
      data-testid={testId}
    >
      {tags.map((t, i) => (
        <span key={t} className="tag" data-testid="tag">
          <span className="mono">{t}</span>
          <button
            type="button"
            className="tag-remove"
            aria-label={`删除 ${t}`}
            onClick={() => onChange(tags.filter((_, j) => j !== i))}
          >
            ×
          </button>
        </span>
      ))}
      <input
        id={id}
        className="tag-draft mono"
        value={draft}
        placeholder={tags.length === 0 ? placeholder : undefined}
        autoComplete="off"
        spellCheck={false}
        aria-describedby={describedBy}
        aria-invalid={invalid || undefined}
        onChange={(e) => onDraftChange(e.target.value)}
        onKeyDown={onKeyDown}
        onPaste={onPaste}
        onFocus={() => setFocused(true)}
        onBlur={() => setFocused(false)}
        data-testid={testId ? `${testId}-input` : undefined}
      />
    </div>
  );
}
