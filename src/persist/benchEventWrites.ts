/**
 * The IndexedDB write benchmark (scripts/bench.mjs, bench/idb.ts): appends `n` kernel-shaped
 * events to a throwaway run the way the worker does, in blocks, several blocks per transaction,
 * the last block rewritten as it fills. Only the writes are timed; the run is deleted after.
 */
import { asRunId, type KernelEvent } from '../kernel';
import { EVENT_BLOCK_SIZE, toEventBlocks } from './eventBlocks';
import { RunStore } from './RunStore';
import type { RunRow, StudioDb } from './StudioDb';

/** Events per commit: what a worker flush holds when the kernel runs flat out. */
const EVENTS_PER_COMMIT = 8 * EVENT_BLOCK_SIZE;

/** One agent turn of a two-agent run, as the kernel emits it. */
function syntheticEvents(runId: string, n: number): KernelEvent[] {
  const run = asRunId(runId);
  const events: KernelEvent[] = [];
  let t = 0;
  for (let seq = 0; events.length < n; seq = events.length) {
    const agent = seq % 8 < 4 ? 'researcher' : 'writer';
    const turn = Math.floor(seq / 8);
    t += 7;
    switch (seq % 4) {
      case 0: events.push({ seq, t, run, agent, type: 'sched.enqueued', class: 'fair', model: 'sim', why: 'wakeup', queue: 1, stats: { vruntime: 1024 * turn, lag: 0, vdeadline: 1024 * turn + 64 } }); break;
      case 1: events.push({ seq, t, run, agent, cause: seq - 1, type: 'sched.picked', class: 'fair', model: 'sim', slot: 0, waitedMs: 7, queue: 0, slice: 64, stats: { vruntime: 1024 * turn, lag: 0, vdeadline: 1024 * turn + 64 } }); break;
      case 2: events.push({ seq, t, run, agent, cause: seq - 1, type: 'infer.started', model: 'sim', slot: 0, turn, tokensIn: 420 + turn, total: 38, done: 0, slice: 38, until: t + 300 }); break;
      default:
        events.push({
          seq, t, run, agent, cause: seq - 1, type: 'infer.completed', model: 'sim', slot: 0, turn, pc: turn + 1, tokensIn: 420 + turn, tokensOut: 38,
          cost: 0.000031, text: `Turn ${turn}: I searched the archive for context on paging and found two relevant notes.`, action: { kind: 'think' },
          slice: { tokensIn: 420 + turn, tokensOut: 38, cost: 0.000031 },
        });
    }
  }
  return events;
}

/** Writes `n` events for a fresh run in blocks and reports how long the writes took. */
export async function benchEventWrites(db: StudioDb, n: number): Promise<{ events: number; ms: number }> {
  const store = new RunStore(db);
  const runId = `bench-${crypto.randomUUID()}`;
  const events = syntheticEvents(runId, n);
  const run: RunRow = {
    id: runId, projectId: 'bench', harness: 'bench', seed: 1, status: 'running', createdAt: Date.now(), updatedAt: Date.now(),
    head: -1, specHash: '0', doc: null, owner: 'bench', leaseUntil: Number.MAX_SAFE_INTEGER,
  };
  const start = performance.now();
  await store.commit({ run, blocks: [], snapshots: [] }, { create: true });
  for (let from = 0; from < n; from += EVENTS_PER_COMMIT) {
    const to = Math.min(n, from + EVENTS_PER_COMMIT) - 1;
    const ok = await store.commit({ run: { ...run, head: to, updatedAt: Date.now() }, blocks: toEventBlocks(runId, events, from, to), snapshots: [] }, { owner: 'bench' });
    if (!ok) throw new Error('the bench run lost its lease');
  }
  const ms = performance.now() - start;
  await store.delete(runId);
  return { events: n, ms };
}
