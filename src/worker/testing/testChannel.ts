/**
 * Test plumbing for the worker protocol: the API exposed on one end of a MessageChannel and
 * wrapped on the other, in one thread, exactly as the page and the worker talk. Also the
 * reference runs (the kernel alone) that a worker-driven run must reproduce.
 */
import { readFileSync } from 'node:fs';
import * as Comlink from 'comlink';
import { Kernel, parseHarness, type KernelEvent } from '../../kernel';
import type { EventBatch, StudioApi } from '../api';
import { StudioDb } from '../../persist';
import { createStudioApi, type StudioApiOptions, type StudioService } from '../studioApi';

/** Both ends of a test connection to the API. */
export interface Connection {
  api: StudioService;
  remote: Comlink.Remote<StudioApi>;
  /** Every batch the attached sinks received, in arrival order. */
  batches: EventBatch[];
  /** Attaches a recording sink to a run over the channel. */
  attach(runId: string): Promise<void>;
  close(): Promise<void>;
}

/** Exposes a fresh API over `db` on port1 and wraps it on port2. */
export function connect(db: StudioDb, opts: StudioApiOptions = {}): Connection {
  const api = createStudioApi(db, opts);
  const { port1, port2 } = new MessageChannel();
  Comlink.expose(api, port1 as unknown as Comlink.Endpoint);
  const remote = Comlink.wrap<StudioApi>(port2 as unknown as Comlink.Endpoint);
  const batches: EventBatch[] = [];
  return {
    api,
    remote,
    batches,
    attach: async (runId) => {
      await remote.attach(runId, Comlink.proxy((b: EventBatch) => void batches.push(b)));
    },
    close: async () => {
      await api.close();
      remote[Comlink.releaseProxy]();
      port1.close();
      port2.close();
    },
  };
}

/** A studio database with a unique name (not opened yet). */
export const freshDb = (name = `worker-${crypto.randomUUID()}`): StudioDb => new StudioDb(name);

/** public/examples/research-team.json as a plain object (a fresh copy each call). */
export function exampleDoc(): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL('../../../public/examples/research-team.json', import.meta.url), 'utf8')) as Record<string, unknown>;
}

/** The run the kernel makes of `doc` and `seed` on its own, straight to the end. */
export async function referenceRun(doc: unknown, seed: number): Promise<{ events: readonly KernelEvent[]; hash: string }> {
  const parsed = parseHarness(doc);
  if (!parsed.ok) throw new Error('reference document is invalid');
  const k = Kernel.create(parsed.spec, { runId: 'reference', seed });
  await k.runUntil({});
  return { events: k.events, hash: k.traceHash() };
}

/** Drops the run id, which differs between otherwise identical runs. */
export const withoutRun = (events: readonly KernelEvent[]) => events.map(({ run: _run, ...rest }) => rest);
