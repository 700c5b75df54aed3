import { useCallback, useRef, type KeyboardEvent, type PointerEvent } from 'react';

const KEY_STEP = 24;

export interface SplitOptions {
  /** `horizontal`: a bar between panels above and below (drag up and down); `vertical`: side by side. */
  orientation: 'horizontal' | 'vertical';
  /** The size of the panel the splitter resizes, in CSS pixels. */
  size: number;
  /** The new size asked for by a drag or a key; the caller clamps it. */
  onResize(px: number): void;
  /** The size a drag at this pointer position asks for. */
  sizeAt(e: PointerEvent<HTMLElement>): number;
  label: string;
  /** The size as a percentage of what it could be, for assistive technology. */
  valueNow: number;
}

/**
 * A splitter between two panels: drag the handle, or focus it and use the arrow keys
 * (up/left grows the panel it resizes, which sits below or to the right of the handle).
 */
export function useSplit({ orientation, size, onResize, sizeAt, label, valueNow }: SplitOptions) {
  const dragging = useRef(false);

  const onPointerDown = useCallback((e: PointerEvent<HTMLElement>) => {
    dragging.current = true;
    e.currentTarget.setPointerCapture(e.pointerId);
    e.preventDefault();
  }, []);
  const onPointerMove = useCallback(
    (e: PointerEvent<HTMLElement>) => {
      if (dragging.current) onResize(sizeAt(e));
    },
    [onResize, sizeAt],
  );
  const onPointerUp = useCallback((e: PointerEvent<HTMLElement>) => {
    dragging.current = false;
    if (e.currentTarget.hasPointerCapture(e.pointerId)) e.currentTarget.releasePointerCapture(e.pointerId);
  }, []);
  const onKeyDown = useCallback(
    (e: KeyboardEvent<HTMLElement>) => {
      const grow = orientation === 'horizontal' ? 'ArrowUp' : 'ArrowLeft';
      const shrink = orientation === 'horizontal' ? 'ArrowDown' : 'ArrowRight';
      if (e.key === grow) onResize(size + KEY_STEP);
      else if (e.key === shrink) onResize(size - KEY_STEP);
      else return;
      e.preventDefault();
    },
    [onResize, orientation, size],
  );

  return {
    onPointerDown,
    onPointerMove,
    onPointerUp,
    onKeyDown,
    role: 'separator',
    'aria-orientation': orientation,
    'aria-label': label,
    'aria-valuenow': Math.round(valueNow),
    tabIndex: 0,
  } as const;
}
