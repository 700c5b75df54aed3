/** A box's CSS size (ResizeObserver) and the device pixel ratio, which changes between screens: what a canvas chart sizes itself by. */
import { useEffect, useState, type RefObject } from 'react';

export function useBoxSize(ref: RefObject<HTMLElement | null>): { width: number; height: number; dpr: number } {
  const [size, setSize] = useState({ width: 0, height: 0 });
  const [dpr, setDpr] = useState(() => (typeof window === 'undefined' ? 1 : window.devicePixelRatio || 1));
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver((entries) => {
      const r = entries[0]?.contentRect;
      if (r) setSize((s) => (s.width === Math.floor(r.width) && s.height === Math.floor(r.height) ? s : { width: Math.floor(r.width), height: Math.floor(r.height) }));
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  useEffect(() => {
    const mq = window.matchMedia(`(resolution: ${dpr}dppx)`);
    const onChange = () => setDpr(window.devicePixelRatio || 1);
    mq.addEventListener('change', onChange);
    return () => mq.removeEventListener('change', onChange);
  }, [dpr]);
  return { ...size, dpr };
}
