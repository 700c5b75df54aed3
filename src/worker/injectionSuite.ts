/**
 * The studio's injection-suite scoring, in the kernel worker: the suite the app serves
 * (public/examples/injection-suite: suite.json and the harnesses it lists) is fetched from its
 * URL, and each harness runs under each defence setting in this worker with the kernel's
 * scoring (kernel/injectionSuite.ts) — the same runs and the same figures as
 * `harness inject-suite`. Runs are kept in memory only (no project, no stored trace). A run
 * yields to the event loop every `sliceMs`, so other calls to the worker (Cancel, a live run's
 * pause, a save) wait at most one slice.
 */
import { Kernel, asRunId, loadEncodingsFor, parseHarness, parseSuiteIndex, runToStop, scoreSuite, scoresOf, SETUP_FAILURES, type SuiteResult, type Cpu, type KernelEvent, type HarnessSpec, type SuiteEntry, type SuiteRunner } from '../kernel';
import { verifySpec } from '../persist/signing';
import type { SuiteReport, SuiteRequest } from './api';
import { deliver } from './deliver';
import { yieldToEventLoop } from './yieldToEventLoop';

/** The suite as loaded: its harness list and each listed document, parsed. */
export interface LoadedSuite {
  entries: SuiteEntry[];
  specs: Map<string, HarnessSpec>;
}

/** A safety net far beyond any suite harness's own limits, so a kernel bug cannot hang the scoring. */
const EVENT_CAP = 5_000_000;

async function fetchJson(url: string, fetchImpl: typeof fetch): Promise<unknown> {
  let res: Response;
  try {
    res = await fetchImpl(url);
  } catch (err) {
    throw new Error(`${url}: could not be fetched (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!res.ok) throw new Error(`${url}: the server answered ${res.status}`);
  const text = await res.text();
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new Error(`${url}: not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
}

/**
 * Fetches `base`/suite.json and every harness it lists (relative to `base`, a folder URL).
 * Rejects with a message naming the file and what is wrong, as the CLI's loadSuite does.
 */
export async function fetchSuite(base: string, fetchImpl: typeof fetch): Promise<LoadedSuite> {
  const folder = base.endsWith('/') ? base : `${base}/`;
  const index = new URL('suite.json', folder).href;
  const entries = parseSuiteIndex(await fetchJson(index, fetchImpl), index);
  if (typeof entries === 'string') throw new Error(entries);
  const specs = new Map<string, HarnessSpec>();
  for (const e of entries) {
    const url = new URL(e.file, folder).href;
    const parsed = parseHarness(await fetchJson(url, fetchImpl));
    if (!parsed.ok) throw new Error(`${url}: ${parsed.issues.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    specs.set(e.file, parsed.spec);
  }
  return { entries, specs };
}

/** Asks in a suite run are denied (nobody answers them), as `harness inject-suite` does. */
const SUITE_ANSWERS = {
  answer: 'deny',
  denyReason: 'nobody answers asks while the injection suite is scored',
  noHuman: (waiting: readonly string[]) => `${waiting.join(', ')} ${waiting.length === 1 ? 'waits' : 'wait'} for a message from the human, and nobody sends one while the injection suite is scored`,
} as const;

/**
 * The document with every model on a real provider and model name (same ids, so agents keep
 * pointing at them): what the suite runs when the user picks an endpoint instead of the sim.
 */
export function onSuiteCpu(spec: HarnessSpec, provider: 'openai-compatible' | 'anthropic', model: string): HarnessSpec {
  return { ...spec, models: spec.models.map((m) => ({ ...m, provider, model })) };
}

/** A failure a setting fixes (a refused key, an unreachable endpoint, a model file that does not load): every run would fail alike. */
function setupFailure(events: readonly KernelEvent[]): string | null {
  for (const e of events) {
    if (e.type === 'infer.failed' && e.retry === null && SETUP_FAILURES.has(e.failure.kind)) return `${e.failure.message}${e.failure.fix ? ` ${e.failure.fix}` : ''}`;
  }
  return null;
}

export interface WorkerRunnerOptions {
  /** Rebinds each document's models before it runs (a chosen endpoint); none: as the suite has them (the sim). */
  rebind?: (spec: HarnessSpec) => HarnessSpec;
  /** The CPUs for a run of `spec` beyond the built-in sim (a real endpoint's); none: the sim runs it. */
  cpus?: (spec: HarnessSpec) => Promise<Record<string, Cpu>>;
  /** Wall clock in ms, read to cut runs into slices. */
  now: () => number;
  /** Longest stretch of kernel work between two yields to the event loop. */
  sliceMs: number;
  /** Asked at each yield: true abandons the run in progress (a Cancel during a long run on a real model). */
  abandon?: () => boolean;
}

/** Thrown by a runner whose run was abandoned: the scoring ends with the runs done before it. */
export class SuiteRunAbandoned extends Error {
  constructor() {
    super('the run in progress was abandoned (Cancel)');
  }
}

/** A SuiteRunner that runs each document in this worker, yielding between slices. */
export function workerSuiteRunner(opts: WorkerRunnerOptions): SuiteRunner {
  return async (given, seed) => {
    const spec = opts.rebind ? opts.rebind(given) : given;
    // Between runs too: a suite of short runs would otherwise hold the worker for all of them.
    await yieldToEventLoop();
    await loadEncodingsFor(spec);
    // As `harness run` does: signatures in the file are checked before the kernel sees the digests.
    const signatures = spec.policy.requireSigned ? (await verifySpec(spec)).verified : undefined;
    const cpus = opts.cpus ? await opts.cpus(spec) : undefined;
    const kernel = Kernel.create(spec, { runId: asRunId(`suite-${seed}`), seed, ...(cpus ? { cpus } : {}), ...(signatures ? { signatures } : {}) });
    let budget = EVENT_CAP;
    for (;;) {
      const sliceEnd = opts.now() + opts.sliceMs;
      let n = 0;
      // The clock is read every 64 events: a slice overshoots by at most that many.
      const r = await runToStop(kernel, { ...SUITE_ANSWERS, maxEvents: budget, shouldPause: () => opts.abandon?.() === true || (++n % 64 === 0 && opts.now() > sliceEnd) });
      budget -= r.events;
      if (r.reason === 'stopped') break;
      if (r.reason === 'limit') {
        kernel.submit({ kind: 'stop', detail: `the run passed ${EVENT_CAP} events while the injection suite was scored` });
        await runToStop(kernel, { ...SUITE_ANSWERS, maxEvents: 16 });
        break;
      }
      await yieldToEventLoop();
      if (opts.abandon?.()) throw new SuiteRunAbandoned();
    }
    // On a real endpoint, a refused key or an unreachable server fails every run alike: say so once instead of scoring failures.
    const setup = cpus ? setupFailure(kernel.events) : null;
    if (setup !== null) throw new Error(setup);
    const goals: Record<string, boolean> = {};
    for (const g of spec.goals) goals[g.id] = kernel.state.goalsMet[g.id] === true;
    return { events: kernel.events, goals, stopReason: kernel.state.stopped?.reason ?? 'not-stopped' };
  };
}

/** A scoring in progress: Cancel sets `cancelled`, read between runs (and, on a real endpoint, between a run's slices). */
export interface SuiteScoring {
  cancelled: boolean;
}

/**
 * Loads the suite at `request.url` and scores it with `run`, telling `onProgress` the runs done
 * of the total (at most once per percent, so a long suite does not flood the page).
 */
export async function scoreServedSuite(
  request: SuiteRequest,
  deps: { fetch: typeof fetch; run: SuiteRunner; cpu: string },
  scoring: SuiteScoring,
  onProgress?: (done: number, total: number) => void,
): Promise<SuiteReport> {
  const seeds = request.seeds ?? 1;
  if (!Number.isInteger(seeds) || seeds < 1 || seeds > 100) throw new RangeError(`seeds: expected an integer 1..100, found ${String(seeds)}`);
  const suite = await fetchSuite(request.url, deps.fetch);
  let told = -1;
  const doneResults: SuiteResult[] = [];
  const scored = scoreSuite(suite.entries, suite.specs, Array.from({ length: seeds }, (_, i) => i + 1), deps.run, {
    shouldStop: () => scoring.cancelled,
    onResult: (r, done, total) => {
      doneResults.push(r);
      const pct = Math.floor((done / total) * 100);
      if (!onProgress || (pct === told && done !== total)) return;
      told = pct;
      deliver((v: [number, number]) => onProgress(v[0], v[1]), [done, total], () => undefined);
    },
  });
  try {
    const { results, scores, stopped } = await scored;
    return { entries: suite.entries, seeds, results, scores, cancelled: stopped, cpu: deps.cpu };
  } catch (err) {
    if (!(err instanceof SuiteRunAbandoned)) throw err;
    return { entries: suite.entries, seeds, results: doneResults, scores: scoresOf(doneResults), cancelled: true, cpu: deps.cpu };
  }
}
