/**
 * Writes a long run into the studio's own IndexedDB database as the studio stores one: the
 * kernel plays the document and a RunWriter (worker/RunWriter.ts, the studio's write path:
 * event blocks, snapshots, the run row, blocks compressed behind) commits it, here in big
 * flushes and with no page to stream to, so a 1,000,000-event run is written in minutes
 * instead of played through the UI. bench/scaleRun.mjs serves this page on the studio's origin
 * (same database), then opens the studio, which lists the run in the project named.
 */
import { Kernel, parseHarness } from '../src/kernel';
import { EVENT_BLOCK_SIZE, openDb, ProjectStore, RunStore, type RunRecord } from '../src/persist';
import { RunWriter } from '../src/worker/RunWriter';

declare global {
  interface Window {
    generateStoredRun(projectName: string, docText: string, events: number): Promise<{ runId: string; head: number; ms: number; kernelMs: number }>;
  }
}

/** Events between two flushes: big transactions, few of them. */
const FLUSH_EVERY = 16_384;

window.generateStoredRun = async (projectName, docText, events) => {
  const db = await openDb();
  const projects = new ProjectStore(db);
  const summary = (await projects.list()).find((p) => p.name === projectName);
  const project = summary && (await projects.get(summary.id));
  if (!project) throw new Error(`no project named ${projectName}`);
  const doc = JSON.parse(docText) as unknown;
  const parsed = parseHarness(doc);
  if (!parsed.ok) throw new Error(`the document does not parse: ${parsed.issues[0]?.message}`);
  const id = crypto.randomUUID();
  const kernel = Kernel.create(parsed.spec, { runId: id, seed: 1 });
  const started = kernel.events[0];
  const t = Date.now();
  let record: RunRecord = {
    id, projectId: project.id, harness: parsed.spec.name, seed: kernel.seed, status: 'running', createdAt: t, updatedAt: t, head: -1,
    // The row keeps the project's document (what resume and fork read), not the long script played.
    specHash: started?.type === 'run.started' ? started.specHash : '', doc: project.doc,
  };
  let failure: unknown = null;
  const writer = new RunWriter(kernel, {
    store: new RunStore(db), owner: 'scale-run-bench', now: Date.now, leaseMs: 60_000, flushMs: Number.POSITIVE_INFINITY, flushEvents: Number.POSITIVE_INFINITY,
    record: () => record,
    onLost: () => (failure = new Error('the run was lost')),
    onError: (err) => (failure = err),
  });
  const t0 = performance.now();
  let kernelMs = 0;
  for (;;) {
    const k0 = performance.now();
    const r = await kernel.runUntil({ maxEvents: Math.min(FLUSH_EVERY, events - kernel.head - 1) });
    kernelMs += performance.now() - k0;
    const stop = kernel.state.stopped;
    if (stop || r.reason !== 'limit' || kernel.head + 1 >= events) {
      record = { ...record, status: 'stopped', updatedAt: Date.now(), ...(stop ? { stopReason: stop.reason } : {}) };
      break;
    }
    // The previous flush writes while the kernel runs on; one at a time bounds what waits in memory.
    await writer.idle();
    void writer.flush();
    document.getElementById('status')!.textContent = `${kernel.head + 1} events`;
  }
  await writer.flush();
  // Compress every full block as the studio's writer does behind a live run (some per flush).
  const full = Math.floor((kernel.head + 1) / EVENT_BLOCK_SIZE);
  for (let i = 0; i < full / 16 + 1; i++) await writer.flush();
  if (failure) throw failure;
  return { runId: id, head: kernel.head, ms: Math.round(performance.now() - t0), kernelMs: Math.round(kernelMs) };
};
document.getElementById('status')!.textContent = 'ready';
