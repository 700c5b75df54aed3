/**
 * Calling back into the page. A sink is a comlink proxy in the worker (its call returns a
 * promise that rejects when the page is gone) or a plain function in tests.
 */
import * as Comlink from 'comlink';

/** Calls `sink` with `value` without waiting; `forget` runs if the call fails. */
export function deliver<T>(sink: (value: T) => void, value: T, forget: () => void): void {
  try {
    const r = sink(value) as unknown;
    if (r instanceof Promise) r.catch(forget);
  } catch {
    forget();
  }
}

/** Releases a comlink proxy's port (a no-op for a plain function). */
export function release(sink: (...args: never[]) => unknown): void {
  const proxy = sink as Partial<Comlink.Remote<() => void>>;
  try {
    proxy[Comlink.releaseProxy]?.();
  } catch {
    // the other side is gone already
  }
}
