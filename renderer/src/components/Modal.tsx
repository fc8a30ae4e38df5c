import { useEffect, useId, useRef, type ReactNode } from 'react';

interface ModalProps {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** false for dialogs the operator must complete (forced password change) */
  dismissable?: boolean;
  testId?: string;
  wide?: boolean;
  /** a full-height panel at the right edge, for reading details beside the list */
  drawer?: boolean;
}

/**
 * A native modal <dialog>: the browser traps focus, makes the page behind inert and turns Esc into
 * 'cancel', which is cheaper and more reliable than re-implementing all of that.
 */
export function Modal({ title, onClose, children, dismissable = true, testId, wide, drawer }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const forced = !dismissable;

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (!d.open) d.showModal();
    const first = d.querySelector<HTMLElement>('[data-autofocus]');
    first?.focus();
    return () => {
      if (d.open) d.close();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className={['modal', wide ? 'modal-wide' : '', drawer ? 'modal-drawer' : ''].filter(Boolean).join(' ')}
      aria-labelledby={titleId}
      data-testid={testId}
      onCancel={(e) => {
        e.preventDefault();
        if (!forced) onClose();
      }}
      onClose={(e) => {
        // Chrome may close a dialog on repeated Esc despite preventDefault; a forced one comes back.
        const d = e.currentTarget;
        if (forced && d.isConnected && !d.open) d.showModal();
      }}
    >
      <h2 id={titleId} className="modal-title">
        {title}
      </h2>
      {children}
    </dialog>
  );
}
