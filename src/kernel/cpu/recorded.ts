/**
 * The recorded CPU: answers a real model's turns from a trace instead of the network. Seek,
 * step back, replay and fork use it, so a turn already recorded is never asked again; a turn
 * not in the recording goes to the live CPU behind it (a fork's turns after its fork point), or
 * fails plainly when there is none (a replay with the network off).
 *
 * A turn is asked in parts (a preempted generation resumes as a new request), so answers are
 * keyed by (agent, turn, part): a part that completed answers with its result, a part that was
 * aborted at a preemption answers with its partial answer.
 */
import type { KernelEvent } from '../trace/events';
import { settledGeneration, streamedTokens, type Cpu, type Generation, type JudgeAnswer, type JudgeRequest, type InferRequest, type SummaryAnswer, type SummaryRequest, type InferResult, type PartialAnswer, type PartialOutput, type Resume } from './cpu';
import { CpuFault, type CpuFailure } from './fault';
import { encodingFor } from '../tokens';

const key = (agent: string, turn: number, part = 0): string => `${agent}\u0000${turn}\u0000${part}`;

/** Raised when a replay needs a turn the trace does not hold and no live CPU may answer it. */
export class NotRecordedError extends Error {
  constructor(
    readonly agent: string,
    readonly turn: number,
    readonly provider: string,
    readonly part = 0,
    /** What was asked, when not an agent's turn (a goal's judge). */
    what?: string,
  ) {
    super(`${what ?? `agent ${agent} turn ${turn}${part > 0 ? ` (part ${part}, after a preemption)` : ''}`}: the trace holds no recorded answer from its ${provider} model, and no live endpoint may be called`);
    this.name = 'NotRecordedError';
  }
}

/** What a trace recorded of a real model's generations, by (agent, turn, part). */
export interface Recording {
  /** Parts that completed the turn. */
  answers: Map<string, InferResult>;
  /** Parts aborted at a preemption. */
  partials: Map<string, PartialAnswer>;
  /** How each part after a preemption began. */
  resumedBy: Map<string, 'prefix' | 'restart'>;
  /** Calls that failed (infer.failed), by (agent, turn, attempt), with the part they were: a replay fails them at the same point. */
  failures: Map<string, { part: number; failure: CpuFailure }>;
  /** A judge's answers (goal.judged asked of a model), by (goal, path, subject version): a recorded verdict, or the failure of its call. */
  judgements: Map<string, JudgeAnswer | CpuFailure>;
  /** Summaries a model wrote at compaction (mem.compacted `by`), by (agent, summary id): its answer, or the failure of its call. */
  summaries: Map<string, SummaryAnswer | CpuFailure>;
}

const judgeKey = (goal: string, path: string, version: number): string => `${goal}\u0000${path}\u0000${version}`;

/**
 * The recorded generations of a trace: each real model's (agent, turn, part) whose first slice
 * started at or before `upTo` (default: all), with its end anywhere in `events` (completed, or
 * aborted with its partial answer). A generation started before a fork point is the one that
 * was asked for; how it ended is taken from the record.
 */
export function recording(events: readonly KernelEvent[], upTo = Number.POSITIVE_INFINITY): Recording {
  const out: Recording = { answers: new Map(), partials: new Map(), resumedBy: new Map(), failures: new Map(), judgements: new Map(), summaries: new Map() };
  /** The part in progress per agent and turn, and the prefix tokens it re-read. */
  const current = new Map<string, { part: number; prefixTokens: number; total: number | null; open: boolean }>();
  const started = new Set<string>();
  for (const e of events) {
    if (e.type === 'infer.started' && e.done === 0) {
      const part = e.part ?? 0;
      current.set(key(e.agent, e.turn), { part, prefixTokens: e.prefixTokens ?? 0, total: e.total, open: true });
      if (e.seq <= upTo) started.add(key(e.agent, e.turn, part));
      if (e.resumedBy) out.resumedBy.set(key(e.agent, e.turn, part), e.resumedBy);
    }
    // The slice that completes a part knows its length as the kernel counted it.
    if (e.type === 'infer.started' && e.total !== null) {
      const at = current.get(key(e.agent, e.turn));
      if (at) at.total = e.total;
    }
    if (e.type === 'sched.preempted' && e.partial) {
      const k = key(e.agent, e.partial.turn, e.partial.part);
      const at = current.get(key(e.agent, e.partial.turn));
      if (at) at.open = false;
      if (started.has(k)) out.partials.set(k, e.partial);
    }
    if (e.type === 'infer.failed' && e.seq <= upTo) {
      // The part that failed: the one in flight, or (failing before its first slice) the next one the kernel starts.
      const at = current.get(key(e.agent, e.turn));
      const part = at === undefined ? 0 : at.open ? at.part : at.part + 1;
      if (at) at.open = false;
      out.failures.set(key(e.agent, e.turn, e.attempt), { part, failure: e.failure });
    }
    if (e.type === 'goal.judged' && e.seq <= upTo) {
      const k = judgeKey(e.goal, e.path, e.version);
      if (e.failure) out.judgements.set(k, e.failure);
      else if (e.record && e.answer !== undefined) {
        // A recorded `error` with an answer is one that said neither pass nor fail.
        out.judgements.set(k, { verdict: e.verdict === 'pass' || e.verdict === 'fail' ? e.verdict : 'unclear', reason: e.reason, answer: e.answer, record: e.record });
      }
    }
    // A conversation group's speaker named by a model (loop/turnSource.ts asks it as the judge of `turn:<group>`).
    if (e.type === 'turn.chosen' && e.record && e.answer !== undefined && e.seq <= upTo) {
      out.judgements.set(judgeKey(`turn:${e.group}`, 'speaker', e.turn), { verdict: 'unclear', reason: e.why, answer: e.answer, record: e.record });
    }
    if (e.type === 'mem.compacted' && e.by && e.seq <= upTo) {
      const k = key(e.agent, 0, 0) + e.summary.id;
      if (e.by.failure) out.summaries.set(k, e.by.failure);
      else if (e.by.record && e.by.answer !== undefined) out.summaries.set(k, { text: e.by.answer, record: e.by.record });
    }
    if (e.type === 'mem.validity' && e.judge && e.seq <= upTo) {
      // A validity judge (loop/validitySource.ts) asked through the same port, keyed like a goal's.
      const k = judgeKey(`validity:${e.agent}:${e.segment}`, `checks[${e.index}]`, 0);
      if (e.judge.failure) out.judgements.set(k, e.judge.failure);
      else if (e.judge.record && e.judge.answer !== undefined) {
        out.judgements.set(k, { verdict: e.verdict === 'valid' ? 'pass' : e.verdict === 'invalid' ? 'fail' : 'unclear', reason: e.judge.reason ?? '', answer: e.judge.answer, record: e.judge.record });
      }
    }
    if (e.type === 'infer.completed' && e.record) {
      const at = current.get(key(e.agent, e.turn)) ?? { part: 0, prefixTokens: 0, total: null, open: false };
      const k = key(e.agent, e.turn, at.part);
      if (!started.has(k)) continue;
      out.answers.set(k, {
        // tokensOut as the slices counted it (the event's own count is the provider's, plus any prefix).
        action: e.action, text: e.text, tokensOut: at.total ?? e.tokensOut - at.prefixTokens, latencyMs: 0, nextPc: e.pc, record: e.record,
        ...(e.record.reported ? { tokensIn: e.record.reported.tokensIn } : {}),
        ...(e.callError ? { callError: { code: e.callError.code, name: e.callError.name, message: e.callError.message } } : {}),
      });
    }
  }
  return out;
}

/** The completed answers of a trace (see {@link recording}), keyed by agent, turn and part. */
export function recordedAnswers(events: readonly KernelEvent[], upTo?: number): Map<string, InferResult> {
  return recording(events, upTo).answers;
}

/** A CPU that answers from recorded generations, falling back to `live` (or failing) for the rest. */
export class RecordedCpu implements Cpu {
  /** Generations asked of the live CPU (tests count them). */
  liveCalls = 0;

  constructor(
    readonly provider: string,
    private readonly recorded: Recording,
    private readonly live?: Cpu,
    private readonly failures: ReadonlyMap<string, CpuFailure> = new Map(),
  ) {}

  /** Wraps `live` (or nothing) for `provider` with the generations recorded in `events` up to `upTo`. */
  static fromTrace(provider: string, events: readonly KernelEvent[], live?: Cpu, upTo?: number): RecordedCpu {
    return new RecordedCpu(provider, recording(events, upTo), live);
  }

  infer(req: InferRequest): InferResult | Promise<InferResult> {
    return this.start(req).result();
  }

  start(req: InferRequest, resume?: Resume): Generation {
    const k = key(req.agent.id, req.turn, resume?.part ?? 0);
    const resumedBy = resume ? (this.recorded.resumedBy.get(k) ?? 'restart') : null;
    // A call that failed in the recording fails the same way, at the same point, with no network.
    const failed = this.recorded.failures.get(key(req.agent.id, req.turn, req.attempt ?? 0));
    if (failed && failed.part === (resume?.part ?? 0)) {
      return new RecordedFailure(new CpuFault(req.model.id, failed.failure), streamedTokens(failed.failure.partial, encodingFor(req.model)), resumedBy);
    }
    const answer = this.recorded.answers.get(k);
    if (answer) return settledGeneration(answer, resumedBy);
    const partial = this.recorded.partials.get(k);
    if (partial) return new RecordedPartial(partial, resumedBy, () => this.goLive(req, resume));
    return this.goLive(req, resume);
  }

  /** A judgement from the record (its verdict, or its call failing the same way), else the live CPU's, else NotRecordedError. */
  judge(req: JudgeRequest): JudgeAnswer | Promise<JudgeAnswer> {
    const recorded = this.recorded.judgements.get(judgeKey(req.goal, req.path, req.version));
    if (recorded !== undefined) {
      if ('kind' in recorded) throw new CpuFault(req.model.id, recorded);
      return recorded;
    }
    if (!this.live?.judge) throw new NotRecordedError(`goal ${req.goal}`, req.version, this.provider, 0, `the judge of goal ${req.goal} (${req.path}) about ${req.subjectName}`);
    this.liveCalls += 1;
    return this.live.judge(req);
  }

  /** A compaction summary from the record (or its call failing the same way), else the live CPU's, else NotRecordedError. */
  summarize(req: SummaryRequest): SummaryAnswer | Promise<SummaryAnswer> {
    const recorded = this.recorded.summaries.get(key(req.agent, 0, 0) + req.summaryId);
    if (recorded !== undefined) {
      if ('kind' in recorded) throw new CpuFault(req.model.id, recorded);
      return recorded;
    }
    if (!this.live?.summarize) throw new NotRecordedError(req.agent, 0, this.provider, 0, `the summary ${req.summaryId} of agent ${req.agent}'s window`);
    this.liveCalls += 1;
    return this.live.summarize(req);
  }

  private goLive(req: InferRequest, resume: Resume | undefined): Generation {
    if (!this.live) throw new NotRecordedError(req.agent.id, req.turn, this.provider, resume?.part ?? 0);
    this.liveCalls += 1;
    return this.live.start ? this.live.start(req, resume) : settledGeneration(this.live.infer(req), resume ? 'restart' : null);
  }
}

/**
 * A part that was aborted in the recording: it goes on for as many tokens as it had produced,
 * and aborts with the recorded partial. A run that lets it go further (a fork whose edits changed
 * the schedule) asks the live CPU for it afresh.
 */
class RecordedPartial implements Generation {
  private live: Generation | null = null;

  constructor(
    private readonly partial: PartialAnswer,
    readonly resumedBy: Generation['resumedBy'],
    private readonly goLive: () => Generation,
  ) {}

  beyond(n: number): InferResult | null | Promise<InferResult | null> {
    // Live, `beyond(n)` returned null only for n below the partial's count (its tokensOut is at least n + 1).
    if (this.live === null && n < this.partial.tokensOut) return null;
    return this.switchToLive().beyond(n);
  }

  result(): InferResult | Promise<InferResult> {
    return this.switchToLive().result();
  }

  abort(): PartialOutput | Promise<PartialOutput> {
    if (this.live) return this.live.abort();
    const { text, calls, tokensOut, response } = this.partial;
    return { text, calls, tokensOut, response };
  }

  private switchToLive(): Generation {
    return (this.live ??= this.goLive());
  }
}

/** A part whose call failed in the recording: it goes on for what its partial had streamed, then fails with the recorded fault. */
class RecordedFailure implements Generation {
  constructor(
    private readonly fault: CpuFault,
    private readonly streamed: number,
    readonly resumedBy: Generation['resumedBy'],
  ) {}

  beyond(n: number): InferResult | null {
    if (n < this.streamed) return null;
    throw this.fault;
  }

  result(): InferResult {
    throw this.fault;
  }

  abort(): PartialOutput {
    throw this.fault;
  }
}
