/**
 * A button that opens the browser's file picker: the visible button clicks a hidden file input
 * (kept out of the tab order), and the picked files are handed over once, the input cleared so
 * picking the same file again fires again. One home for the pattern the Import buttons share.
 */
import { useRef, type ReactNode } from 'react';

export function FileButton(props: {
  children: ReactNode;
  /** The input's accept list, e.g. ".json,application/json". */
  accept: string;
  /** The hidden input's accessible name (tests set files on it by its test id). */
  inputLabel: string;
  testId: string;
  inputTestId: string;
  onFiles: (files: File[]) => void;
  className?: string;
  title?: string;
  disabled?: boolean;
  multiple?: boolean;
}) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" className={props.className ?? 'hs-btn'} onClick={() => input.current?.click()} disabled={props.disabled} data-testid={props.testId} title={props.title}>
        {props.children}
      </button>
      <input
        ref={input}
        type="file"
        accept={props.accept}
        multiple={props.multiple}
        className="hs-visually-hidden"
        tabIndex={-1}
        aria-label={props.inputLabel}
        data-testid={props.inputTestId}
        onChange={(e) => {
          const files = Array.from(e.target.files ?? []);
          e.target.value = '';
          if (files.length > 0) props.onFiles(files);
        }}
      />
    </>
  );
}
