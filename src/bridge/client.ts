/**
 * The UI's only way to the kernel: a comlink proxy to the kernel worker, made once.
 */
import * as Comlink from 'comlink';
import type { StudioApi } from './api';

let proxy: Comlink.Remote<StudioApi> | null = null;

export function studio(): Comlink.Remote<StudioApi> {
  if (!proxy) {
    const worker = new Worker(new URL('../worker/kernel.worker.ts', import.meta.url), { type: 'module', name: 'harness-kernel' });
    proxy = Comlink.wrap<StudioApi>(worker);
  }
  return proxy;
}

/** Wraps a callback so the worker can call it back across the boundary. */
export const callback = <T extends (...args: never[]) => unknown>(fn: T): T & Comlink.ProxyMarked => Comlink.proxy(fn);
