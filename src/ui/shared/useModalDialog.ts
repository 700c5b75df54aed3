/**
 * A modal dialog's keyboard contract: it takes focus when it opens, Escape closes it (on the
 * window, so Escape still works after the focused row was deleted), and focus goes back to what
 * had it when the dialog closes.
 */
import { useEffect, useRef, type RefObject } from 'react';

export function useModalDialog(onClose: () => void): RefObject<HTMLDivElement | null> {
  const dialog = useRef<HTMLDivElement>(null);
  const close = useRef(onClose);
  useEffect(() => {
    close.current = onClose;
  }, [onClose]);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    dialog.current?.focus();
    const onKey = (e: globalThis.KeyboardEvent): void => {
      if (e.key === 'Escape' && !e.defaultPrevented) close.current();
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      previous?.focus();
    };
  }, []);
  return dialog;
}
