/**
 * Yields a macrotask, so messages queued behind a busy loop (pause, other calls) get through.
 * setTimeout is clamped to >= 4 ms once nested, so a MessageChannel is used where there is no
 * setImmediate (browsers and workers).
 */
let channel: MessageChannel | null = null;
const waiting: Array<() => void> = [];

/** Resolves in a later macrotask. */
export function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => waiting.shift()?.();
  }
  const port = channel.port2;
  return new Promise((resolve) => {
    waiting.push(resolve);
    port.postMessage(null);
  });
}
