import { useCallback, useLayoutEffect, useReducer, useRef } from 'react';

/** The rows of a fixed-row-height list that exist in the DOM, and where they go. */
export interface FixedRows<T extends HTMLElement> {
  /** Put on the scrolling element (it must stay mounted while the hook is used). */
  ref: (el: T | null) => void;
  /** First row rendered (inclusive) and the row after the last one rendered. */
  start: number;
  end: number;
  /** Height of the whole list in pixels (the spacer's height). */
  total: number;
}

/** Viewport height assumed until the scroll box has been measured once. */
const FIRST_HEIGHT = 600;

/**
 * Windowing for lists whose rows all have one height: only the rows in view (plus `overscan`
 * on each side) are rendered, whatever `count` is, and nothing is measured per row: the range
 * is arithmetic on the scroll offset (kept from scroll events) and the box's height (kept from a
 * ResizeObserver), so neither rendering nor keeping a row in view reads layout. When
 * `keepInView` (a row index) or `count` changes, the list scrolls just enough to show that row
 * (a log following its newest event); a person scrolling away is left alone until they change.
 */
export function useFixedRows<T extends HTMLElement>(count: number, rowHeight: number, keepInView = -1, overscan = 10): FixedRows<T> {
  const element = useRef<T | null>(null);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const top = useRef(0);
  const height = useRef(FIRST_HEIGHT);
  /** The (row, count) last brought into view, so a scroll away from it is not undone. */
  const kept = useRef('');
  const shownStart = useRef(-1);

  // A callback ref: the scroll box may mount after the hook (a view that shows "empty" first).
  const detach = useRef<(() => void) | null>(null);
  const ref = useCallback(
    (el: T | null) => {
      detach.current?.();
      detach.current = null;
      element.current = el;
      if (!el) return;
      height.current = el.clientHeight || FIRST_HEIGHT;
      top.current = el.scrollTop;
      const onScroll = () => {
        top.current = el.scrollTop;
        // Re-render only when another row comes first: scrolling within a row costs nothing.
        if (Math.floor(top.current / rowHeight) !== shownStart.current) rerender();
      };
      el.addEventListener('scroll', onScroll, { passive: true });
      const ro = typeof ResizeObserver === 'function' ? new ResizeObserver((entries) => {
        const h = entries[0]?.contentRect.height ?? 0;
        if (h > 0 && h !== height.current) {
          height.current = h;
          rerender();
        }
      }) : null;
      ro?.observe(el);
      detach.current = () => {
        el.removeEventListener('scroll', onScroll);
        ro?.disconnect();
      };
      rerender();
    },
    [rowHeight],
  );

  const total = count * rowHeight;
  const keyNow = `${keepInView}:${count}`;
  /** The scroll offset that shows `keepInView` (moving as little as it can), from `top` in a box `h` high. */
  const wantedTop = (top: number, h: number): number => {
    let want = top;
    if (keepInView >= 0 && keepInView < count && keyNow !== kept.current) {
      const rowTop = keepInView * rowHeight;
      if (rowTop < want) want = rowTop;
      else if (rowTop + rowHeight > want + h) want = rowTop + rowHeight - h;
    }
    return Math.max(0, Math.min(want, total - h));
  };
  const h = height.current;
  const wanted = wantedTop(top.current, h);

  useLayoutEffect(() => {
    if (keyNow === kept.current) return;
    const el = element.current;
    // The box may have been measured only now (a list mounting): its real height decides.
    const want = wantedTop(top.current, height.current);
    kept.current = keyNow;
    if (el && want !== top.current) {
      top.current = want;
      el.scrollTop = want;
    }
    // Rendered for another offset (the height was a guess): render the rows of this one.
    if (want !== wanted) rerender();
  });

  const first = Math.floor(wanted / rowHeight);
  shownStart.current = first;
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, Math.ceil((wanted + h) / rowHeight) + overscan);
  return { ref, start, end, total };
}
