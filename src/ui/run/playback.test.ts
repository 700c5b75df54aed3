import { describe, expect, it } from 'vitest';
import { dueAt, playbackStep, playStart, type PlaybackAnchor, type PlaybackSpeed } from './playback';

/** Virtual times of a run's events (seq = index); two events share a time, as a run's often do. */
const TIMES = [0, 100, 100, 300, 1000, 1050, 4000];
const timeOf = (seq: number): number | undefined => TIMES[seq];
const last = TIMES.length - 1;

/**
 * Plays from `from` at `speed` as the frame loop does, waking exactly when the next event is due:
 * the wall time (from Play) at which the cursor reached each seq, in the order reached.
 */
function play(speed: PlaybackSpeed, from = 0, stopsAt: (seq: number) => boolean = () => false, times = timeOf): { seq: number; wall: number }[] {
  const anchor: PlaybackAnchor = { seq: from, virtualMs: times(from) ?? 0, wallMs: 0 };
  const visits: { seq: number; wall: number }[] = [];
  let wall = 0;
  let cursor = from;
  for (let frames = 0; frames < 1000; frames++) {
    const step = playbackStep({ from: cursor, last, timeOf: times, anchor, speed, wallMs: wall, stopsAt });
    if (step.seq !== cursor) visits.push({ seq: step.seq, wall });
    cursor = step.seq;
    if (step.stop !== null) return visits;
    wall += step.wakeInMs === 0 ? 16 : step.wakeInMs!;
  }
  throw new Error('playback never stopped');
}

describe('playback on the virtual clock', () => {
  it('moves the cursor forward through the events in order and stops at the last', () => {
    for (const speed of [1, 10, 100, 'max'] as const) {
      const seqs = play(speed).map((v) => v.seq);
      expect(seqs.every((s, i) => i === 0 || s > seqs[i - 1]!), `speed ${speed}: ${seqs.join(',')}`).toBe(true);
      expect(seqs[seqs.length - 1]).toBe(last);
    }
  });

  it('spaces events by their virtual time over the speed: 10× takes a tenth of 1×', () => {
    const one = play(1);
    const ten = play(10);
    expect(one.map((v) => v.seq)).toEqual(ten.map((v) => v.seq));
    // Each event is reached at its virtual time / speed after Play (the anchor at t = 0).
    expect(one.map((v) => v.wall)).toEqual([100, 300, 1000, 1050, 4000]);
    expect(ten.map((v) => v.wall)).toEqual([10, 30, 100, 105, 400]);
    // Events at the same virtual time are passed together.
    expect(one.map((v) => v.seq)).toEqual([2, 3, 4, 5, 6]);
  });

  it('at max shows every event, one a frame, whatever their times', () => {
    const max = play('max');
    expect(max.map((v) => v.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(max.map((v) => v.wall)).toEqual([0, 16, 32, 48, 64, 80]);
  });

  it('stops on the first event a breakpoint matches, even when later events are due', () => {
    const visits = play(100, 0, (seq) => seq === 4 || seq === 5);
    expect(visits[visits.length - 1]!.seq).toBe(4);
    const step = playbackStep({ from: 0, last, timeOf, anchor: { seq: 0, virtualMs: 0, wallMs: 0 }, speed: 1, wallMs: 1e9, stopsAt: (seq) => seq === 2 });
    expect(step).toEqual({ seq: 2, stop: 'breakpoint', wakeInMs: null });
  });

  it('never stops on the event it starts from (resuming from a breakpoint goes on)', () => {
    const visits = play(10, 4, (seq) => seq === 4);
    expect(visits.map((v) => v.seq)).toEqual([5, 6]);
  });

  it('holds while paused and, resumed from a new anchor, spaces the next event from the resume, not from Play', () => {
    const first = play(10).slice(0, 2);
    expect(first[first.length - 1]!.seq).toBe(3);
    // Paused at 3 for a long while, then resumed at wall 50,000: event 4 (700 virtual ms on) is due 70 ms later.
    const anchor = { seq: 3, virtualMs: 300, wallMs: 50_000 };
    expect(playbackStep({ from: 3, last, timeOf, anchor, speed: 10, wallMs: 50_000, stopsAt: () => false })).toEqual({ seq: 3, stop: null, wakeInMs: 70 });
    expect(playbackStep({ from: 3, last, timeOf, anchor, speed: 10, wallMs: 50_069, stopsAt: () => false }).seq).toBe(3);
    expect(playbackStep({ from: 3, last, timeOf, anchor, speed: 10, wallMs: 50_070, stopsAt: () => false }).seq).toBe(4);
  });

  it('gives an event whose time is not held a frame of its own', () => {
    const visits = play(1, 0, () => false, (seq) => (seq === 3 || seq === 4 ? undefined : TIMES[seq]));
    expect(visits.map((v) => v.seq)).toEqual([2, 3, 4, 5, 6]);
  });

  it('bounds the events one step passes', () => {
    const step = playbackStep({ from: 0, last, timeOf, anchor: { seq: 0, virtualMs: 0, wallMs: 0 }, speed: 1, wallMs: 1e9, stopsAt: () => false, maxSteps: 2 });
    expect(step.seq).toBe(2);
    expect(step.stop).toBeNull();
  });

  it('computes due times from the anchor, and plays a finished run from the start when the cursor is at its end', () => {
    expect(dueAt({ seq: 2, virtualMs: 100, wallMs: 500 }, 1100, 100)).toBe(510);
    expect(dueAt({ seq: 2, virtualMs: 100, wallMs: 500 }, 1100, 'max')).toBe(500);
    expect(playStart(6, 6, true)).toBe(0);
    expect(playStart(3, 6, true)).toBe(3);
    expect(playStart(6, 6, false)).toBe(6);
  });
});
