/**
 * A headless kernel for tests that reads like a scenario (tldraw's TestEditor is the model):
 *
 *     await new TestKernel(example('approvals'))
 *       .runToEnd().expectWaiting()
 *       .expectEvent('tool.asked', { agent: 'writer', ask: 'approve' })
 *       .expectAgent('writer', 'syscall')
 *       .approve('writer', { remember: true })
 *       .runToStop().expectStop('completed');
 *
 * Every call is one line of the scenario. Lines run in order as soon as they are chained (so a
 * chain nobody awaits still fails the test run, as an unhandled rejection); awaiting the chain
 * waits for them and resolves to the TestKernel itself. A line that fails throws a
 * ScenarioFailure that says what was expected, what came instead, the scenario so far and the
 * last events. Expectations on payloads are partial deep matches (see match.ts), so they keep
 * working when an event grows fields. Sim CPU and in-memory stores; test-only code.
 */
import type { StateEdit } from '../trace/editEvent';
import { Kernel, type KernelOptions } from '../kernel';
import { parseHarness, type HarnessSpec, type HarnessSpecInput } from '../spec';
import type { Proc, KernelState } from '../state/state';
import { canonicalEvent } from '../trace/hash';
import type { EventOf, KernelEvent, KernelEventType, ProcState, StopReason } from '../trace/events';
import type { HumanInput } from '../trust/types';
import { around, closest, formatEvent, formatEvents, keysOf } from './eventText';
import { describeMismatches, matches, mismatches, show, type Match } from './match';

/** A minimal valid document: one sim model with `slots`, the given agents and extras. */
export function harness(parts: Partial<HarnessSpecInput> & { slots?: number } = {}): HarnessSpec {
  const { slots = 1, ...rest } = parts;
  const doc: HarnessSpecInput = {
    version: 1,
    name: 'test',
    models: [{ id: 'm', name: 'M', provider: 'sim', slots, tokensPerSecond: 100 }],
    ...rest,
  };
  const r = parseHarness(doc);
  if (!r.ok) throw new Error(`test document invalid: ${r.issues.map((i) => i.message).join('; ')}`);
  return r.spec;
}

/** A failed line of a scenario; its message carries the scenario and the last events. */
export class ScenarioFailure extends Error {
  override name = 'ScenarioFailure';
}

/** What a line found wrong, before the scenario context is added. */
class Problem {
  constructor(readonly lines: string[], readonly around?: readonly KernelEvent[]) {}
}

interface Line {
  label: string;
  status: 'queued' | 'ok' | 'failed';
  note?: string;
}

type Ask = ReturnType<Kernel['openAsks']>[number];
type Input = HumanInput | ((t: TestKernel) => HumanInput);

/** How many of the last events a failure shows. */
const TAIL = 8;
/** The default bound on events for one run call: a scenario that exceeds it is a runaway. */
const MAX_EVENTS = 100_000;

const want = (type: string, match: unknown) => (match === undefined ? type : `${type} ${show(match, 100)}`);

export class TestKernel {
  readonly kernel: Kernel;
  private readonly options: KernelOptions;
  private readonly lines: Line[] = [];
  private pending: Promise<void> = Promise.resolve();
  /** Lines chained and not yet finished. */
  private busy = 0;
  /** True while a line runs (its own reads of the kernel are allowed then). */
  private acting = false;

  /**
   * Starts a run of `spec` (run id `test-run`, seed 1 unless given), or takes over a kernel built
   * elsewhere (a fork, a restore) to drive it as a scenario; `opts` are then the options it was
   * built with, passed on to its own forks and restores.
   */
  constructor(source: HarnessSpec | Kernel, opts: Partial<KernelOptions> = {}) {
    if (source instanceof Kernel) {
      this.kernel = source;
      this.options = { ...opts, runId: source.runId, seed: source.seed };
    } else {
      this.options = { runId: 'test-run', seed: 1, ...opts };
      this.kernel = Kernel.create(source, this.options);
    }
    const how = source instanceof Kernel ? 'take over' : 'start';
    const { name } = this.kernel.document;
    this.lines.push({ label: `${how} run ${this.kernel.runId} of "${name}", seed ${this.kernel.seed}`, status: 'ok', note: `→ #${this.kernel.head}` });
  }

  // ---- awaiting ---------------------------------------------------------------------------

  /**
   * A function only while lines are running, so `await` waits for them and then resolves to this
   * TestKernel: once idle there is no `then` to adopt (a thenable cannot resolve to itself).
   * Typed `unknown` so TypeScript types `await chain` as the TestKernel (a typed `then` whose
   * callback receives the TestKernel would make the type refer to itself).
   */
  get then(): unknown {
    if (this.busy === 0) return undefined;
    return (onFulfilled: (t: this) => unknown, onRejected: (err: unknown) => unknown) => void this.pending.then(() => onFulfilled(this), onRejected);
  }

  private chain(label: string, action: () => string | void | Promise<string | void>): this {
    const line: Line = { label, status: 'queued' };
    this.lines.push(line);
    const site = new Error().stack ?? '';
    this.busy++;
    this.pending = this.pending
      .then(async () => {
        this.acting = true;
        try {
          const note = await action();
          line.status = 'ok';
          if (note) line.note = note;
        } catch (err) {
          line.status = 'failed';
          throw this.failure(line, err, site);
        } finally {
          this.acting = false;
        }
      })
      .finally(() => {
        this.busy--;
      });
    return this;
  }

  private failure(line: Line, err: unknown, site: string): Error {
    const scenario = this.lines.map((l) => `  ${l.status === 'ok' ? '✓' : l.status === 'failed' ? '✗' : '·'} ${l.label}${l.note ? `  ${l.note}` : ''}`);
    const events = this.kernel.events;
    const around = err instanceof Problem && err.around ? err.around : events.slice(-TAIL);
    const heading = err instanceof Problem && err.around ? 'Events around it' : `Last ${around.length} of ${events.length} events`;
    const context = ['', 'Scenario:', ...scenario, '', ...formatEvents(heading, around)].join('\n');
    if (!(err instanceof Problem)) {
      // An assertion from inside check() or an error of the kernel: keep it (and its diff), add where it happened.
      if (err instanceof Error) err.message += `\n${context}`;
      return err instanceof Error ? err : new ScenarioFailure(`${line.label}: ${String(err)}${context}`);
    }
    const failure = new ScenarioFailure([`${line.label}`, ...err.lines.map((l) => `  ${l}`), context].join('\n'));
    // Point at the test line that chained the failing call, not at this file.
    const frames = site.split('\n').slice(1).filter((f) => !/\/kernel\/test\/TestKernel\.ts:/.test(f));
    failure.stack = `${failure.name}: ${failure.message}\n${frames.join('\n')}`;
    return failure;
  }

  // ---- reading (after awaiting) -------------------------------------------------------------

  private settled(what: string): void {
    if (this.busy > 0 && !this.acting) throw new Error(`TestKernel.${what} read while ${this.busy} scenario line(s) still run: await the chain first`);
  }

  /** The events so far, all or of one type. */
  events(): KernelEvent[];
  events<T extends KernelEventType>(type: T): EventOf<T>[];
  events(type?: KernelEventType): KernelEvent[] {
    this.settled('events()');
    return type ? this.kernel.events.filter((e) => e.type === type) : [...this.kernel.events];
  }

  get state(): Readonly<KernelState> {
    this.settled('state');
    return this.kernel.state;
  }

  /** seq of the latest event. */
  get head(): number {
    this.settled('head');
    return this.kernel.head;
  }

  /** The state right after event `seq` (a seek). */
  stateAt(seq: number): KernelState {
    this.settled('stateAt()');
    return this.kernel.stateAt(seq);
  }

  /** The hash of the trace so far (run ids aside). */
  traceHash(): string {
    this.settled('traceHash()');
    return this.kernel.traceHash();
  }

  /** The open ask of `agent` (fails when it has none). */
  openAsk(agent: string): Ask {
    this.settled('openAsk()');
    const ask = this.kernel.openAsks().find((a) => a.agent === agent);
    if (!ask) throw new Error(`${agent} has no open ask (open asks: ${show(this.kernel.openAsks())})`);
    return ask;
  }

  /** A fork of this run after event `at` (run id `fork`), following `spec` if given (an edit), with the state `edits` if given. */
  fork(at: number, opts: { spec?: HarnessSpec; runId?: string; edits?: readonly StateEdit[] } & Pick<Partial<KernelOptions>, 'signatures'> = {}): TestKernel {
    this.settled('fork()');
    const { spec = this.kernel.document, runId = 'fork', edits, ...rest } = opts;
    const options = { ...this.options, ...rest, runId };
    const fork = new TestKernel(Kernel.fork(this.kernel.events, spec, { ...options, parent: { run: this.kernel.runId, seq: at }, ...(edits ? { edits } : {}) }), options);
    const said = `${spec === this.kernel.document ? '' : ', with an edited document'}${edits && edits.length > 0 ? `, with ${edits.length} state edit(s)` : ''}`;
    return fork.titled(`fork run ${this.kernel.runId} after #${at} as ${runId}${said}`);
  }

  /**
   * This run rebuilt from its own events up to `upTo` (all by default), from its latest snapshot
   * at or before that point when `fromSnapshot` — as the studio does after a reload.
   */
  restore(opts: { upTo?: number; fromSnapshot?: boolean } = {}): TestKernel {
    this.settled('restore()');
    const upTo = opts.upTo ?? this.kernel.head;
    const snapshot = opts.fromSnapshot ? this.kernel.snapshots().filter((s) => s.seq <= upTo).at(-1)?.state : undefined;
    if (opts.fromSnapshot && !snapshot) throw new Error(`no snapshot at or before #${upTo}`);
    const restored = new TestKernel(Kernel.restore(this.kernel.events.slice(0, upTo + 1), this.kernel.document, { ...this.options, ...(snapshot ? { snapshot } : {}) }), this.options);
    return restored.titled(`restore run ${this.kernel.runId} from #0..#${upTo}${snapshot ? ` (snapshot at #${snapshot.seq})` : ''}`);
  }

  /** Names the first line of the scenario (how this run began). */
  private titled(label: string): this {
    this.lines[0]!.label = label;
    return this;
  }

  // ---- running ------------------------------------------------------------------------------

  /** Emits exactly `n` events; fails if the run stops or waits for a person first. */
  step(n = 1): this {
    return this.chain(`step(${n})`, async () => {
      for (let i = 0; i < n; i++) {
        if ((await this.kernel.step()) === null) throw new Problem([`the run ${this.idle()} after ${i} of ${n} events`]);
      }
      return `→ #${this.kernel.head}`;
    });
  }

  /** Runs until an event of `type` matching `match`; fails if the run stops or waits first. */
  runUntil<T extends KernelEventType>(type: T, match?: Match<EventOf<T>>, maxEvents = MAX_EVENTS): this {
    return this.chain(`runUntil(${want(type, match)})`, async () => {
      const from = this.kernel.head + 1;
      const r = await this.kernel.runUntil({ maxEvents, until: (e) => e.type === type && (match === undefined || matches(e, match)) });
      if (r.reason === 'matched') return `→ #${this.kernel.head}`;
      const why = r.reason === 'limit' ? `within ${maxEvents} events` : `before the run ${this.idle()}`;
      throw new Problem([`no ${want(type, match)} ${why}`, ...closest(this.kernel.events.slice(from), type, match)]);
    });
  }

  /** Runs until the run stops or waits for a person (fails if it is still going after `maxEvents`). */
  runToEnd(maxEvents = MAX_EVENTS): this {
    return this.chain('runToEnd()', async () => {
      const r = await this.kernel.runUntil({ maxEvents });
      if (r.reason === 'limit') throw new Problem([`the run is still going after ${maxEvents} events`]);
      return `→ #${this.kernel.head}, ${this.idle()}`;
    });
  }

  /** Runs until the run stops; waiting for a person is a failure here. */
  runToStop(maxEvents = MAX_EVENTS): this {
    return this.chain('runToStop()', async () => {
      const r = await this.kernel.runUntil({ maxEvents });
      if (r.reason !== 'stopped') throw new Problem([r.reason === 'limit' ? `the run is still going after ${maxEvents} events` : `the run ${this.idle()} instead of stopping`]);
      return `→ #${this.kernel.head}, ${this.idle()}`;
    });
  }

  private idle(): string {
    const stop = this.kernel.state.stopped;
    if (stop) return `stopped (${stop.reason}: ${show(stop.detail, 100)})`;
    if (this.kernel.waiting) return `waits for a person (${this.kernel.openAsks().map((a) => `${a.agent} asks ${a.decision.ask} ${a.tool}`).join(', ') || 'a message'})`;
    return `is running`;
  }

  // ---- what a person does ---------------------------------------------------------------------

  /** Queues any human input; fails with the kernel's reason if it refuses. */
  submit(input: Input): this {
    return this.chain(typeof input === 'function' ? 'submit(…)' : `submit(${show(input, 100)})`, () => this.send(typeof input === 'function' ? input(this) : input));
  }

  /** Approves the open ask of `agent` (an approval or a declassification). */
  approve(agent: string, opts: { remember?: boolean } = {}): this {
    return this.chain(`approve(${agent}${opts.remember ? ', remember' : ''})`, () => this.send({ kind: 'approve', callId: this.askOf(agent).callId, remember: opts.remember ?? false }));
  }

  /** Denies the open ask of `agent`. */
  deny(agent: string, reason?: string): this {
    return this.chain(`deny(${agent})`, () => this.send({ kind: 'deny', callId: this.askOf(agent).callId, ...(reason !== undefined ? { reason } : {}) }));
  }

  /** The person sends `agent` a message. */
  tell(agent: string, text: string, facts?: string[]): this {
    return this.chain(`tell(${agent}, ${show(text, 60)})`, () => this.send({ kind: 'message', to: agent, text, ...(facts ? { facts } : {}) }));
  }

  /** Rolls back the latest event of `type` matching `match` (from the audit table). */
  rollback<T extends KernelEventType>(type: T, match?: Match<EventOf<T>>): this {
    return this.chain(`rollback(${want(type, match)})`, () => {
      const target = lastOf(this.kernel.events, (e) => e.type === type && (match === undefined || matches(e, match)));
      if (!target) throw new Problem([`no ${want(type, match)} to roll back`, ...closest(this.kernel.events, type, match)]);
      this.send({ kind: 'rollback', seq: target.seq });
      return `→ rolls back #${target.seq}`;
    });
  }

  /** Submits `input` and expects the kernel to refuse it with an error matching `error`. */
  expectRefused(input: Input, error: string | RegExp): this {
    return this.chain(`expectRefused(${typeof input === 'function' ? '…' : show(input, 100)}, ${show(error)})`, () => {
      const r = this.kernel.submit(typeof input === 'function' ? input(this) : input);
      if (r.ok) throw new Problem([`the kernel accepted it; expected a refusal matching ${show(error)}`]);
      if (!matches(r.error, error)) throw new Problem([`refused with ${show(r.error)}, expected ${show(error)}`]);
    });
  }

  private askOf(agent: string): Ask {
    const ask = this.kernel.openAsks().find((a) => a.agent === agent);
    if (!ask) throw new Problem([`${agent} has no open ask; open asks: ${show(this.kernel.openAsks())}`, `the run ${this.idle()}`]);
    return ask;
  }

  private send(input: HumanInput): void {
    const r = this.kernel.submit(input);
    if (!r.ok) throw new Problem([`the kernel refused ${show(input)}: ${r.error}`]);
  }

  // ---- expectations ---------------------------------------------------------------------------

  /** Some event of `type` so far matches `match`. */
  expectEvent<T extends KernelEventType>(type: T, match?: Match<EventOf<T>>): this {
    return this.chain(`expectEvent(${want(type, match)})`, () => {
      const all = this.kernel.events.filter((e) => e.type === type);
      if (!all.some((e) => match === undefined || matches(e, match))) throw new Problem([`no ${type} event matches`, ...closest(all, type, match)]);
    });
  }

  /** The events of `type` so far are exactly these, in order (each a partial match). */
  expectEvents<T extends KernelEventType>(type: T, list: readonly Match<EventOf<T>>[]): this {
    return this.chain(`expectEvents(${type}, ${list.length} ${show(list, 100)})`, () => {
      const all = this.kernel.events.filter((e) => e.type === type);
      const wrong = all.length !== list.length
        ? [`${all.length} ${type} events, expected ${list.length}`]
        : all.flatMap((e, i) => describeMismatches(mismatches(e, list[i])).map((m) => `#${e.seq} (${type} ${i + 1}) ${m}`));
      if (wrong.length > 0) throw new Problem([...wrong, ...formatEvents(`${type} events`, all.slice(0, 12), keysOf(list[0]))]);
    });
  }

  /** No event of `type` so far matches `match` (no event of `type` at all without one). */
  expectNoEvent<T extends KernelEventType>(type: T, match?: Match<EventOf<T>>): this {
    return this.chain(`expectNoEvent(${want(type, match)})`, () => {
      const found = this.kernel.events.find((e) => e.type === type && (match === undefined || matches(e, match)));
      if (found) throw new Problem([`#${found.seq} is one: ${formatEvent(found)}`], around(this.kernel.events, found.seq));
    });
  }

  /** The latest event is of `type` and matches `match`. */
  expectLastEvent<T extends KernelEventType>(type: T, match?: Match<EventOf<T>>): this {
    return this.chain(`expectLastEvent(${want(type, match)})`, () => {
      const last = this.kernel.events.at(-1)!;
      if (last.type !== type) throw new Problem([`the last event is ${formatEvent(last)}`]);
      const wrong = match === undefined ? [] : mismatches(last, match);
      if (wrong.length > 0) throw new Problem([`the last event, #${last.seq}, differs:`, ...describeMismatches(wrong).map((l) => `  ${l}`)]);
    });
  }

  /** The run stopped for `reason`, its run.stopped event matching `match` (goals, detail, evidence). */
  expectStop(reason: StopReason, match?: Match<EventOf<'run.stopped'>>): this {
    return this.chain(`expectStop(${reason}${match === undefined ? '' : ` ${show(match, 100)}`})`, () => {
      const stop = lastOf(this.kernel.events, (e): e is EventOf<'run.stopped'> => e.type === 'run.stopped');
      if (!stop) throw new Problem([`the run ${this.idle()}; it has not stopped`]);
      const wrong = mismatches(stop, { reason, ...(match ?? {}) });
      if (wrong.length > 0) throw new Problem([`it stopped with ${stop.reason}: ${show(stop.detail, 120)}`, ...describeMismatches(wrong)]);
    });
  }

  /** The run can only go on once a person answers; `asks` matches its open asks (all of them, in order). */
  expectWaiting(asks?: Match<Ask[]>): this {
    return this.chain(`expectWaiting(${asks === undefined ? '' : show(asks, 100)})`, () => {
      if (!this.kernel.waiting) throw new Problem([`the run ${this.idle()}; expected it to wait for a person`]);
      const wrong = asks === undefined ? [] : mismatches(this.kernel.openAsks(), asks);
      if (wrong.length > 0) throw new Problem([`open asks: ${show(this.kernel.openAsks())}`, ...describeMismatches(wrong)]);
    });
  }

  /** Agent `id` is in process state `expected`, or its process matches `expected`. */
  expectAgent(id: string, expected: ProcState | Match<Proc>): this {
    return this.chain(`expectAgent(${id}, ${show(expected, 100)})`, () => {
      const proc = this.kernel.state.procs[id];
      const procs = Object.values(this.kernel.state.procs).map((p) => `${p.id} (${p.state})`).join(', ');
      if (!proc) throw new Problem([`no process ${id}; processes: ${procs || 'none'}`]);
      const wrong = typeof expected === 'string' ? mismatches(proc.state, expected, 'state') : mismatches(proc, expected);
      const mine = this.kernel.events.filter((e) => 'agent' in e && e.agent === id).slice(-TAIL);
      if (wrong.length > 0) throw new Problem([`${id} is ${proc.state}`, ...describeMismatches(wrong)], mine);
    });
  }

  /** Artifact `name` exists and its text matches `text` (a string, a RegExp or a matcher). */
  expectArtifact(name: string, text: Match<string>): this {
    return this.chain(`expectArtifact(${name}, ${show(text, 100)})`, () => {
      const artifact = this.kernel.state.artifacts[name];
      if (!artifact) throw new Problem([`no artifact ${name}; artifacts: ${Object.keys(this.kernel.state.artifacts).join(', ') || 'none'}`]);
      if (!matches(artifact.text, text)) throw new Problem([`${name} (written at #${artifact.seq} by ${artifact.agent}) reads ${show(artifact.text, 200)}`], around(this.kernel.events, artifact.seq));
    });
  }

  /** The kernel state matches `match` (partially: name only what matters). */
  expectState(match: Match<KernelState>): this {
    return this.chain(`expectState(${show(match, 100)})`, () => {
      const wrong = mismatches(this.kernel.state, match);
      if (wrong.length > 0) throw new Problem(describeMismatches(wrong));
    });
  }

  /** This run's trace equals `other`'s (run ids aside): the same events in the same order. */
  expectSameTrace(other: TestKernel): this {
    return this.chain(`expectSameTrace(${other.kernel.runId})`, () => {
      if (this.kernel.traceHash() === other.kernel.traceHash()) return;
      const mine = this.kernel.events;
      const theirs = other.kernel.events;
      const at = mine.findIndex((e, i) => theirs[i] === undefined || canonicalEvent(e) !== canonicalEvent(theirs[i]!));
      const seq = at === -1 ? mine.length : at;
      throw new Problem([
        `the traces part at #${seq} (${mine.length} events here, ${theirs.length} in ${other.kernel.runId})`,
        `here:  ${mine[seq] ? formatEvent(mine[seq]) : 'nothing'}`,
        `there: ${theirs[seq] ? formatEvent(theirs[seq]) : 'nothing'}`,
      ], around(mine, seq));
    });
  }

  /** Runs `fn` at this point of the scenario (framework assertions); its failure gets the scenario added. */
  check(fn: (t: this) => void): this {
    return this.chain('check(…)', () => fn(this));
  }
}

/** The latest event that passes `test` (lib ES2022 has no findLast). */
function lastOf<E extends KernelEvent>(events: readonly KernelEvent[], test: ((e: KernelEvent) => e is E) | ((e: KernelEvent) => boolean)): E | undefined {
  for (let i = events.length - 1; i >= 0; i--) if (test(events[i]!)) return events[i] as E;
  return undefined;
}
