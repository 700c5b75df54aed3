/**
 * The one place secrets are kept from the page: everything the worker sends across comlink —
 * each method's answer, each argument of a call back into the page (event batches, live text,
 * notices, progress) and each error's message — is redacted here of every secret the worker
 * knows of: the values the documents it has seen declare secret (kernel/spec/secrets.ts) and
 * the API keys stored in Settings. Views, downloads, copies and error banners only ever see what
 * crossed this boundary, so a new view or a new API method is covered without doing anything;
 * the kernel and the stored trace keep the real values (a run must be able to use a key).
 *
 * Left as is: the answers that are the user's own document (`USER_DOCUMENT`), which the editor
 * shows as written (a project export redacts its marked fields itself, ui/shell/projectFiles.ts).
 */
import * as Comlink from 'comlink';
import { documentSecrets, redactSecrets, redactValue, redactWindow, secretResults, secretToolIds, type KernelEvent } from '../kernel';
import type { EndpointStore } from '../persist';
import type { EventBatch, StudioApi } from './api';

/** Methods whose answer is the document as the user wrote it: the editor shows it, secrets and all. */
const USER_DOCUMENT: ReadonlySet<string> = new Set<keyof StudioApi>(['getProject', 'createProject', 'listVersions', 'listExperiments', 'createExperiment', 'updateExperiment', 'exportExperiment', 'importExperiment']);

/** Methods whose first argument is a run id: that run's document is read (once) before anything of it is sent. */
const RUN_FIRST: ReadonlySet<string> = new Set<keyof StudioApi>(['getRun', 'loadEvents', 'stateAt', 'fork', 'resume', 'attach', 'play', 'pause', 'step', 'stepTo', 'findStep', 'findPause', 'contextAt', 'input', 'searchArchive', 'runOtlp', 'sendRunOtlp', 'compareRuns', 'labelRun']);
/** Methods whose second argument is a run id too (a comparison of two runs): its document is read as well. */
const RUN_SECOND: ReadonlySet<string> = new Set<keyof StudioApi>(['compareRuns']);

/**
 * Methods after which a stored API key may reach the page: the endpoint methods, and those that
 * start or drive a run (the run's CPUs read the keys). The keys are read again before these and
 * before any error is sent; the other calls (scrubbing: loadEvents, stateAt, getRun…) use the
 * keys known so far, so a seek does not read the endpoints table.
 */
const KEY_METHODS: ReadonlySet<string> = new Set<keyof StudioApi>([
  'listEndpoints', 'saveEndpoint', 'deleteEndpoint', 'testEndpoint',
  'startRun', 'fork', 'resume', 'play', 'step', 'stepTo', 'input', 'scoreInjectionSuite', 'runOtlp', 'sendRunOtlp', 'runExperimentJob', 'openExperimentRun',
]);

/** Where the boundary learns secrets the calls themselves do not carry. */
export interface SecretSources {
  /** The document a run was started from, if the run exists. */
  runDocument(runId: string): Promise<unknown>;
  /** Every API key stored in Settings (read fresh: another tab may have saved one). */
  endpointKeys(): Promise<string[]>;
}

/** A studio's sources: a run's document from the run's record, the keys from the endpoints table. */
export function studioSecretSources(api: Pick<StudioApi, 'getRun'>, endpoints: EndpointStore): SecretSources {
  return {
    runDocument: async (runId) => (await api.getRun(runId))?.doc,
    endpointKeys: async () => {
      const rows = await Promise.all((await endpoints.list()).filter((e) => e.hasKey).map((e) => endpoints.withKey(e.id)));
      return rows.map((r) => r?.apiKey ?? '');
    },
  };
}

/** The secrets known so far, longest first. Grows only: a secret once seen stays redacted. */
export class SecretBook {
  private readonly values = new Set<string>();
  /** Tools the documents seen mark `secret`: what they return in a trace is a secret (an MCP tool's answer is known only then). */
  private readonly secretTools = new Set<string>();
  private readonly runsRead = new Set<string>();
  private sorted: string[] = [];

  constructor(private readonly sources: SecretSources) {}

  get secrets(): readonly string[] {
    return this.sorted;
  }

  /**
   * Learns the secrets `x` declares: a document, an object holding one as `doc` (a project, a
   * run), an endpoint being saved (its `apiKey`), or a list of those.
   */
  learn(x: unknown): void {
    const items = Array.isArray(x) ? x : [x];
    for (const item of items) {
      if (typeof item !== 'object' || item === null) continue;
      this.add(documentSecrets(item));
      const { doc, apiKey } = item as { doc?: unknown; apiKey?: unknown };
      if (doc !== undefined) this.add(documentSecrets(doc));
      for (const t of secretToolIds(item)) this.secretTools.add(t);
      if (doc !== undefined) for (const t of secretToolIds(doc)) this.secretTools.add(t);
      if (typeof apiKey === 'string') this.add([apiKey]);
    }
  }

  /** Learns the secrets of run `runId`'s document (read once) and, with `keys`, the stored API keys (read afresh: another tab may have saved one). */
  async refresh(runId?: string, keys = true): Promise<void> {
    // A storage failure here is the call's own to report (it reads the same database): the secrets known so far still apply.
    if (runId !== undefined && !this.runsRead.has(runId)) {
      const doc = await this.sources.runDocument(runId).catch(() => undefined);
      if (doc !== undefined) {
        this.learn(doc);
        this.runsRead.add(runId);
      }
    }
    if (keys) this.add(await this.sources.endpointKeys().catch(() => []));
  }

  /**
   * `value` with every known secret replaced by `[secret redacted]`. The live text of a batch
   * (EventBatch.live) is a window on a stream, which may cut a secret or end before it is
   * complete: its edges are redacted too (redactWindow).
   */
  redact<T>(value: T): T {
    this.learnResults(value);
    const out = redactValue(value, this.sorted);
    const live = (out as Partial<EventBatch> | null)?.live;
    if (this.sorted.length === 0 || !Array.isArray(live)) return out;
    return { ...out, live: live.map((g) => (typeof g?.text === 'string' ? { ...g, text: redactWindow(g.text, this.sorted) } : g)) };
  }

  /**
   * Learns what secret tools returned in the events `value` carries (an event list, a batch's
   * `events`): the tool.returned comes before any later event or state that repeats its text.
   */
  private learnResults(value: unknown): void {
    if (this.secretTools.size === 0 || typeof value !== 'object' || value === null) return;
    const events = Array.isArray(value) ? value : (value as { events?: unknown }).events;
    if (Array.isArray(events)) this.add(secretResults(events as (KernelEvent | undefined)[], this.secretTools));
  }

  private add(values: readonly string[]): void {
    const before = this.values.size;
    for (const v of values) if (v !== '') this.values.add(v);
    if (this.values.size !== before) this.sorted = [...this.values].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  }
}

/** An error whose message and stack are redacted (comlink sends an Error's name, message and stack to the page). */
function redactError(err: unknown, book: SecretBook): unknown {
  if (!(err instanceof Error)) return book.redact(err);
  const out = new Error(redactSecrets(err.message, book.secrets));
  out.name = err.name;
  out.stack = err.stack === undefined ? undefined : redactSecrets(err.stack, book.secrets);
  return out;
}

/** A call back into the page (a comlink proxy or, in tests, a function) whose arguments are redacted. */
function redactingCallback(fn: (...args: unknown[]) => unknown, book: SecretBook): (...args: unknown[]) => unknown {
  const wrapped = (...args: unknown[]) => fn(...args.map((a) => book.redact(a)));
  // The worker releases a sink's port when it is done with it (deliver.ts): pass that through.
  const release = (fn as Partial<Record<typeof Comlink.releaseProxy, () => void>>)[Comlink.releaseProxy];
  if (release) Object.defineProperty(wrapped, Comlink.releaseProxy, { value: () => release.call(fn) });
  return wrapped;
}

/**
 * `api` as the page may see it: every method (any method, present or future) learns the secrets
 * its arguments and answer carry, then answers redacted; functions passed in are called back
 * with redacted arguments; a rejection is redacted too.
 */
export function redactingApi<A extends object>(api: A, book: SecretBook): A {
  return new Proxy(api, {
    get(target, prop, receiver) {
      const member = Reflect.get(target, prop, receiver) as unknown;
      if (typeof member !== 'function' || typeof prop !== 'string') return member;
      return async (...args: unknown[]) => {
        try {
          for (const a of args) book.learn(a);
          await book.refresh(RUN_FIRST.has(prop) && typeof args[0] === 'string' ? args[0] : undefined, KEY_METHODS.has(prop));
          if (RUN_SECOND.has(prop) && typeof args[1] === 'string') await book.refresh(args[1], false);
          const passed = args.map((a) => (typeof a === 'function' ? redactingCallback(a as (...x: unknown[]) => unknown, book) : a));
          const answer = (await (member as (...x: unknown[]) => unknown).apply(target, passed)) as unknown;
          book.learn(answer);
          return USER_DOCUMENT.has(prop) ? answer : book.redact(answer);
        } catch (err) {
          // An error may quote a key saved since the last read: read them before it leaves.
          await book.refresh(undefined, true).catch(() => {});
          throw redactError(err, book);
        }
      };
    },
  });
}
