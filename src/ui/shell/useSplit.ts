import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';

const MIN = 120;
const KEY_STEP = 24;

/**
 * A horizontal splitter for the bottom panel: drag the handle, or focus it and use the arrow
 * keys. The height is a fraction of the window, so it survives resizes.
 */
export function useSplit(initialFraction = 0.4) {
  const [fraction, setFraction] = useState(initialFraction);
  const dragging = useRef(false);

  const clamp = useCallback((px: number) => {
    const max = window.innerHeight - 200;
    return Math.min(Math.max(px, MIN), Math.max(MIN, max)) / window.innerHeight;
  }, []);

  const onPointerDown = useCallback((e: PointerEvent<HTMLElement>) => {
    dragging.current = true;
    e.currentTarget.setPointerCapture(e.pointerId);
    e.preventDefault();
  }, []);
  const onPointerMove = useCallback(
    (e: PointerEvent<HTMLElement>) => {
      if (dragging.current) setFraction(clamp(window.innerHeight - e.clientY));
    },
    [clamp],
  );
  const onPointerUp = useCallback((e: PointerEvent<HTMLElement>) => {
    dragging.current = false;
    e.currentTarget.releasePointerCapture(e.pointerId);
  }, []);
  const onKeyDown = useCallback(
    (e: KeyboardEvent<HTMLElement>) => {
      const px = fraction * window.innerHeight;
      if (e.key === 'ArrowUp') setFraction(clamp(px + KEY_STEP));
      else if (e.key === 'ArrowDown') setFraction(clamp(px - KEY_STEP));
      else return;
      e.preventDefault();
    },
    [clamp, fraction],
  );

  useEffect(() => {
    const onResize = (): void => setFraction((f) => clamp(f * window.innerHeight));
    window.addEventListener('resize', onResize);
    return () => window.removeEventListener('resize', onResize);
  }, [clamp]);

  return {
    height: `${Math.round(fraction * 1000) / 10}vh`,
    handleProps: { onPointerDown, onPointerMove, onPointerUp, onKeyDown, role: 'separator', 'aria-orientation': 'horizontal' as const, 'aria-label': 'Resize run panel', 'aria-valuenow': Math.round(fraction * 100), tabIndex: 0 },
  };
}
