import { useId, type ReactNode } from 'react';

interface FieldProps {
  label: string;
  help?: ReactNode;
  error?: string | null;
  /** the control, given the ids it should carry */
  children: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => ReactNode;
  extra?: ReactNode;
}

export function Field({ label, help, error, children, extra }: FieldProps) {
  const id = useId();
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  const describedBy = [help ? helpId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={error ? 'field field-invalid' : 'field'}>
      <label htmlFor={id} className="field-label">
        {label}
        {extra}
      </label>
      <div className="field-control">
        {children({ id, describedBy, invalid: Boolean(error) })}
        {help ? (
          <div id={helpId} className="field-help">
            {help}
          </div>
        ) : null}
        {error ? (
          <div id={errorId} className="field-error" role="alert">
            {error}
          </div>
        ) : null}
      </div>
    </div>
  );
}

export function ErrorMessage({ text }: { text: string | null | undefined }) {
  if (!text) return null;
  return (
    <div className="error-message" role="alert" data-testid="error-message">
      {text}
    </div>
  );
}
