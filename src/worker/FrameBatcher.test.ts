import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FrameBatcher } from './FrameBatcher';

describe('FrameBatcher', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('delivers at most once per frame, whatever the push rate, losing nothing', async () => {
    const sent: Array<{ at: number; items: number[] }> = [];
    const b = new FrameBatcher<number>((items) => sent.push({ at: Date.now(), items }), 16, () => Date.now());
    let n = 0;
    for (let ms = 0; ms < 100; ms++) {
      b.push([n++, n++, n++]);
      await vi.advanceTimersByTimeAsync(1);
    }
    await vi.runAllTimersAsync();
    expect(sent.flatMap((s) => s.items)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(sent.length).toBeLessThanOrEqual(Math.ceil(100 / 16) + 1);
    for (let i = 1; i < sent.length; i++) expect(sent[i]!.at - sent[i - 1]!.at).toBeGreaterThanOrEqual(16);
  });

  it('sends the first batch at once and a touch without items as an empty batch', async () => {
    const sent: number[][] = [];
    const b = new FrameBatcher<number>((items) => sent.push(items), 16, () => Date.now());
    b.push([1]);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual([[1]]);
    b.touch();
    const drained = b.drain();
    await vi.advanceTimersByTimeAsync(15);
    expect(sent).toHaveLength(1); // still inside the frame
    await vi.advanceTimersByTimeAsync(1);
    await drained;
    expect(sent).toEqual([[1], []]);
  });

  it('drains at once when nothing is queued, and cancel drops the queue', async () => {
    const sent: number[][] = [];
    const b = new FrameBatcher<number>((items) => sent.push(items), 16, () => Date.now());
    await b.drain();
    b.push([1, 2]);
    const drained = b.drain();
    b.cancel();
    await drained;
    await vi.runAllTimersAsync();
    expect(sent).toEqual([]);
  });
});
