/**
 * A run's trace as OpenTelemetry spans, following the GenAI semantic conventions
 * (opentelemetry.io/docs/specs/semconv/gen-ai/): one `invoke_workflow` span for the run, an
 * `invoke_agent` span per agent turn, a `chat {model}` span per inference and an
 * `execute_tool {tool}` span per tool call. The kernel's decisions (scheduling, permissions,
 * memory, IPC) are span events carrying the numbers the trace holds.
 *
 * Pure and streaming: {@link OtelSpanStream} takes events one at a time and hands back each span
 * as it closes, so a long run never needs its whole trace in memory. Ids are derived from the
 * run (id, seed, document hash) and the seq of the event that opened the span: the same trace
 * exports the same ids. Virtual time is placed on the wall clock from `startUnixMs`; every span
 * says so (`harness.time.virtual`).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { KernelEvent, EventOf } from '../trace/events';
import { SPAN_KIND_CLIENT, SPAN_KIND_INTERNAL, STATUS_ERROR, STATUS_OK, STATUS_UNSET, anyValue, attributes, type OtlpKeyValue, type OtlpSpan, type OtlpSpanEvent } from './otlp';

/** How a trace becomes spans. */
export interface OtelExportOptions {
  /** Unix time in ms that the run's virtual time 0 is placed at (its start on the wall clock). */
  startUnixMs: number;
  /**
   * The document's models by id: provider and the provider's model name (the trace names a
   * model by its document id; a real model's recorded response also says what was requested).
   */
  models?: Readonly<Record<string, { provider: string; model: string }>>;
  /** Texts (answers, tool arguments and results, messages) as attributes; default true. */
  content?: boolean;
  /** Span events kept per span, as an SDK's span limits; the rest are counted in droppedEventsCount. Default 128. */
  maxEventsPerSpan?: number;
  /** Longest string attribute kept whole (characters); longer ones are cut, ending in `…`. Default 8192. */
  maxStringLength?: number;
  /**
   * What may leave to OpenTelemetry, per event: the event, a copy with fields withheld, or null to
   * leave it out (the allocator's class policies, kernel/alloc exportFilter(spec, 'otel')). Absent: everything.
   */
  withhold?: ((e: KernelEvent) => KernelEvent | null) | null;
}

/** Payload fields that carry content (text a person or model wrote), left out with `content: false`. */
const CONTENT_FIELDS: ReadonlySet<string> = new Set(['text', 'result', 'args', 'system', 'envelope', 'partial', 'answer', 'summary', 'record', 'chunks', 'stored', 'core', 'undo']);
/** Fields every event has, said by the span event itself (name, time) or by `harness.seq` / `harness.t`. */
const COMMON_FIELDS: ReadonlySet<string> = new Set(['seq', 't', 'run', 'type']);

/** Stop reasons that are a success (term/finish.ts); a person's stop is neither. */
const OK_STOPS: ReadonlySet<string> = new Set(['completed', 'goal-reached']);

interface OpenSpan {
  span: OtlpSpan;
  /** The span it is a child of (its end reaches at least this one's). */
  parent: OpenSpan | null;
  /** Virtual ms of the last event in it (its end so far). */
  lastT: number;
  events: OtlpSpanEvent[];
  dropped: number;
}

interface AgentTurn {
  span: OpenSpan;
  /** The inference of this turn has completed (a pick after it starts the next turn). */
  inferred: boolean;
  /** The open chat span of this turn, if an inference is under way. */
  chat: OpenSpan | null;
  turn: number | null;
}

const hexId = (text: string, bytes: number): string => bytesToHex(sha256(utf8ToBytes(text)).subarray(0, bytes));

/** The OTLP trace id of a run: 16 bytes of SHA-256 over its id, seed and document hash. */
export function otelTraceId(run: string, seed: number, specHash: string): string {
  return hexId(`harness-otel-trace\n${run}\n${seed}\n${specHash}`, 16);
}

/** The OTLP span id of the span opened by event `seq` of a run: 8 bytes of SHA-256. */
export function otelSpanId(run: string, seed: number, specHash: string, seq: number): string {
  return hexId(`harness-otel-span\n${run}\n${seed}\n${specHash}\n${seq}`, 8);
}

/** GenAI's provider names (gen_ai.provider.name) for the document's providers; others pass through. */
const PROVIDER_NAMES: Readonly<Record<string, string>> = { openai: 'openai', anthropic: 'anthropic' };

/**
 * Builds spans from a run's events, in seq order. `push` returns the spans the event closed;
 * `end` closes what is still open (an unfinished run) and returns it. The first event must be
 * `run.started`.
 */
export class OtelSpanStream {
  private readonly content: boolean;
  private readonly maxEvents: number;
  private readonly maxString: number;
  private readonly startNs: bigint;
  private root: OpenSpan | null = null;
  private runKey: { run: string; seed: number; specHash: string } | null = null;
  private traceId = '';
  private lastT = 0;
  private ended = false;
  private readonly turns = new Map<string, AgentTurn>();
  private readonly tools = new Map<string, OpenSpan>();
  private readonly modelOf = new Map<string, string>();

  constructor(private readonly options: OtelExportOptions) {
    if (!Number.isFinite(options.startUnixMs) || options.startUnixMs < 0) throw new Error(`OTLP export: startUnixMs must be a Unix time in ms, found ${String(options.startUnixMs)}`);
    this.content = options.content ?? true;
    this.maxEvents = options.maxEventsPerSpan ?? 128;
    this.maxString = options.maxStringLength ?? 8192;
    this.startNs = BigInt(Math.round(options.startUnixMs)) * 1_000_000n;
  }

  /** The run's trace id (hex), known once `run.started` was pushed. */
  get otelTraceId(): string {
    return this.traceId;
  }

  /** Adds the next event of the run; returns the spans it closed (children before their parent). */
  push(event: KernelEvent): OtlpSpan[] {
    // The document's export policy (kernel/alloc exportFilter): an event left out, or with fields withheld.
    const e = this.options.withhold ? this.options.withhold(event) : event;
    if (e === null) return [];
    if (this.ended) throw new Error(`OTLP export: event ${e.seq} came after the run's spans were ended`);
    if (!this.root) {
      if (e.type !== 'run.started') throw new Error(`OTLP export: a trace must begin with run.started, found ${e.type} at seq ${e.seq}`);
      this.start(e);
      return [];
    }
    this.lastT = Math.max(this.lastT, e.t);
    const closed: OtlpSpan[] = [];
    switch (e.type) {
      case 'run.forked':
        this.setAttrs(this.root, { 'harness.parent.run': e.parent.run, 'harness.parent.seq': e.parent.seq, 'harness.forked.edited': e.edited });
        this.note(this.root, e);
        break;
      case 'sched.picked': {
        const open = this.turns.get(e.agent);
        if (open && open.inferred && this.noToolOpen(e.agent)) closed.push(this.closeTurn(e.agent));
        this.turnOf(e.agent, e);
        this.note(this.routeSpan(e), e);
        break;
      }
      case 'infer.started':
        this.inferStarted(e, closed);
        break;
      case 'infer.completed':
        this.inferCompleted(e, closed);
        break;
      case 'infer.failed': {
        const turn = this.turnOf(e.agent, e);
        if (turn.chat) {
          this.note(turn.chat, e);
          this.setAttrs(turn.chat, { 'error.type': e.failure.kind, 'harness.attempt': e.attempt });
          closed.push(this.close(turn.chat, e.t, STATUS_ERROR, e.failure.message));
          turn.chat = null;
        } else this.note(turn.span, e);
        break;
      }
      case 'tool.called':
        this.toolCalled(e);
        break;
      case 'tool.returned': {
        const tool = this.tools.get(e.callId);
        if (!tool) {
          this.note(this.routeSpan(e), e);
          break;
        }
        this.setAttrs(tool, { 'harness.tool.ok': e.ok, 'harness.tool.tokens': e.tokens, 'harness.tool.ms': e.ms, ...(e.trust ? { 'harness.tool.trust': e.trust } : {}), ...(e.taint?.length ? { 'harness.taint': e.taint } : {}), ...(this.content ? { 'gen_ai.tool.call.result': e.result } : {}) });
        this.tools.delete(e.callId);
        closed.push(this.close(tool, e.t, e.ok ? STATUS_OK : STATUS_ERROR, e.ok ? undefined : e.result));
        break;
      }
      case 'tool.denied': {
        const tool = this.tools.get(e.callId);
        if (!tool) {
          this.note(this.routeSpan(e), e);
          break;
        }
        this.note(tool, e);
        this.setAttrs(tool, { 'error.type': e.decision.code ?? 'denied' });
        this.tools.delete(e.callId);
        closed.push(this.close(tool, e.t, STATUS_ERROR, e.decision.reason));
        break;
      }
      case 'region.denied': {
        // A system call refused by a store's region ends its span, as a denial does; other refusals are notes.
        const tool = e.callId === undefined ? undefined : this.tools.get(e.callId);
        if (!tool) {
          this.note(this.routeSpan(e), e);
          break;
        }
        this.note(tool, e);
        this.setAttrs(tool, { 'error.type': 'region-denied' });
        this.tools.delete(e.callId!);
        closed.push(this.close(tool, e.t, STATUS_ERROR, e.detail));
        break;
      }
      case 'agent.finished':
      case 'job.failed': {
        this.note(this.routeSpan(e), e);
        for (const [callId, tool] of this.tools) {
          if (tool.span.parentSpanId === this.turns.get(e.agent)?.span.span.spanId) {
            closed.push(this.close(tool, e.t, STATUS_UNSET));
            this.tools.delete(callId);
          }
        }
        if (this.turns.has(e.agent)) closed.push(this.closeTurn(e.agent, e.t, e.type === 'job.failed' ? e.reason : undefined));
        break;
      }
      case 'run.stopped':
        this.note(this.root, e);
        this.setAttrs(this.root, { 'harness.stop.reason': e.reason, 'harness.stop.detail': e.detail, 'harness.goals.met': Object.values(e.goals).filter(Boolean).length, 'harness.goals.total': Object.keys(e.goals).length });
        closed.push(...this.closeAll(e.t, OK_STOPS.has(e.reason) ? STATUS_OK : e.reason === 'stopped' ? STATUS_UNSET : STATUS_ERROR, OK_STOPS.has(e.reason) ? undefined : `${e.reason}: ${e.detail}`));
        break;
      default:
        this.note(this.routeSpan(e), e);
    }
    return closed;
  }

  /** Closes every span still open (a run that has not stopped) at the last event's time. */
  end(): OtlpSpan[] {
    if (this.ended || !this.root) return [];
    this.setAttrs(this.root, { 'harness.unfinished': true });
    return this.closeAll(this.lastT, STATUS_UNSET);
  }

  // ---- spans ----------------------------------------------------------------------------

  private start(e: EventOf<'run.started'>): void {
    this.runKey = { run: e.run, seed: e.seed, specHash: e.specHash };
    this.traceId = otelTraceId(e.run, e.seed, e.specHash);
    this.lastT = e.t;
    this.root = this.open(e, null, `invoke_workflow ${e.harness}`, SPAN_KIND_INTERNAL, {
      'gen_ai.operation.name': 'invoke_workflow',
      'gen_ai.workflow.name': e.harness,
      'gen_ai.conversation.id': e.run,
      'harness.run.id': e.run,
      'harness.seed': e.seed,
      'harness.spec_hash': e.specHash,
      'harness.agents': e.agents,
    });
  }

  private inferStarted(e: EventOf<'infer.started'>, closed: OtlpSpan[]): void {
    let turn = this.turns.get(e.agent);
    // A new turn's inference without a pick in between (the kernel always picks first; a trace cut short may not show it).
    if (turn && turn.inferred && turn.turn !== e.turn && this.noToolOpen(e.agent)) {
      closed.push(this.closeTurn(e.agent));
      turn = undefined;
    }
    turn ??= this.turnOf(e.agent, e);
    turn.turn = e.turn;
    this.setAttrs(turn.span, { 'harness.turn': e.turn });
    if (turn.chat) {
      // The same generation resumed after a preemption.
      this.note(turn.chat, e);
      return;
    }
    const model = this.modelOf.get(e.agent) ?? e.model;
    const known = this.options.models?.[e.model];
    const requestModel = known?.model ?? model;
    const provider = known?.provider ?? 'sim';
    turn.chat = this.open(e, turn.span, `chat ${requestModel}`, SPAN_KIND_CLIENT, {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': PROVIDER_NAMES[provider] ?? provider,
      'gen_ai.request.model': requestModel,
      'gen_ai.agent.id': e.agent,
      'harness.model.id': e.model,
      'harness.turn': e.turn,
      'harness.slot': e.slot,
    });
    this.setAttrs(turn.span, { 'gen_ai.request.model': requestModel, 'gen_ai.provider.name': PROVIDER_NAMES[provider] ?? provider });
  }

  private inferCompleted(e: EventOf<'infer.completed'>, closed: OtlpSpan[]): void {
    const turn = this.turnOf(e.agent, e);
    turn.inferred = true;
    const chat = turn.chat ?? this.open(e, turn.span, `chat ${this.options.models?.[e.model]?.model ?? e.model}`, SPAN_KIND_CLIENT, { 'gen_ai.operation.name': 'chat', 'harness.model.id': e.model });
    turn.chat = null;
    const response = (e.record?.response ?? {}) as Record<string, unknown>;
    const requested = (response.requested ?? {}) as Record<string, unknown>;
    const finish = typeof response.rawFinishReason === 'string' ? response.rawFinishReason : typeof response.finishReason === 'string' ? response.finishReason : e.action.kind === 'call' ? 'tool_calls' : 'stop';
    const attrs: Record<string, unknown> = {
      'gen_ai.usage.input_tokens': e.tokensIn,
      'gen_ai.usage.output_tokens': e.tokensOut,
      'gen_ai.response.finish_reasons': [finish],
      'harness.cost': e.cost,
      'harness.action.kind': e.action.kind,
    };
    if (e.record) attrs['gen_ai.provider.name'] = PROVIDER_NAMES[e.record.provider] ?? e.record.provider;
    if (typeof requested.model === 'string') attrs['gen_ai.request.model'] = requested.model;
    if (typeof requested.temperature === 'number') attrs['gen_ai.request.temperature'] = requested.temperature;
    if (typeof requested.seed === 'number') attrs['gen_ai.request.seed'] = requested.seed;
    if (typeof requested.maxTokens === 'number') attrs['gen_ai.request.max_tokens'] = requested.maxTokens;
    if (typeof response.model === 'string') attrs['gen_ai.response.model'] = response.model;
    if (typeof response.responseId === 'string') attrs['gen_ai.response.id'] = response.responseId;
    if (e.record?.reported === null) attrs['harness.usage.estimated'] = true;
    if (e.callError) attrs['error.type'] = e.callError.code;
    if (this.content) attrs['gen_ai.output.messages'] = JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: e.text }], finish_reason: finish }]);
    this.setAttrs(chat, attrs);
    if (e.action.kind === 'call') this.setAttrs(turn.span, { 'harness.action.tool': e.action.tool });
    this.setAttrs(turn.span, { 'harness.action.kind': e.action.kind });
    closed.push(this.close(chat, e.t, e.callError ? STATUS_ERROR : STATUS_UNSET, e.callError?.message));
  }

  private toolCalled(e: EventOf<'tool.called'>): void {
    const turn = this.turnOf(e.agent, e);
    const tool = this.open(e, turn.span, `execute_tool ${e.tool}`, SPAN_KIND_INTERNAL, {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': e.tool,
      'gen_ai.tool.call.id': e.callId,
      'gen_ai.tool.type': 'function',
      'gen_ai.agent.id': e.agent,
      ...(e.taint?.length ? { 'harness.taint': e.taint } : {}),
      ...(this.content ? { 'gen_ai.tool.call.arguments': JSON.stringify(e.args) } : {}),
    });
    this.tools.set(e.callId, tool);
  }

  /** The agent's open turn, opened at `e` when it has none. */
  private turnOf(agent: string, e: KernelEvent): AgentTurn {
    let turn = this.turns.get(agent);
    if (!turn) {
      const span = this.open(e, this.root!, `invoke_agent ${agent}`, SPAN_KIND_INTERNAL, {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.id': agent,
        'gen_ai.agent.name': agent,
        'gen_ai.conversation.id': this.runKey!.run,
      });
      turn = { span, inferred: false, chat: null, turn: null };
      this.turns.set(agent, turn);
    }
    return turn;
  }

  private noToolOpen(agent: string): boolean {
    const parent = this.turns.get(agent)?.span.span.spanId;
    for (const tool of this.tools.values()) if (tool.span.parentSpanId === parent) return false;
    return true;
  }

  /** Closes an agent's turn at `t`, or at its last event when the next turn begins. */
  private closeTurn(agent: string, t?: number, error?: string): OtlpSpan {
    const turn = this.turns.get(agent)!;
    this.turns.delete(agent);
    return this.close(turn.span, t ?? turn.span.lastT, error ? STATUS_ERROR : STATUS_UNSET, error);
  }

  /**
   * Where an event that opens or closes nothing goes: its tool call; its agent's inference under
   * way (scheduling and inference events); its agent's turn; or the run.
   */
  private routeSpan(e: KernelEvent): OpenSpan {
    if ('callId' in e && typeof e.callId === 'string') {
      const tool = this.tools.get(e.callId);
      if (tool) return tool;
    }
    const turn = e.agent !== undefined ? this.turns.get(e.agent) : undefined;
    if (!turn) return this.root!;
    if (turn.chat && (e.type.startsWith('infer.') || e.type.startsWith('sched.'))) return turn.chat;
    return turn.span;
  }

  private open(e: KernelEvent, parent: OpenSpan | null, name: string, kind: number, attrs: Record<string, unknown>): OpenSpan {
    const { run, seed, specHash } = this.runKey!;
    const span: OtlpSpan = {
      traceId: this.traceId,
      spanId: otelSpanId(run, seed, specHash, e.seq),
      ...(parent ? { parentSpanId: parent.span.spanId } : {}),
      name,
      kind,
      startTimeUnixNano: this.wall(e.t),
      endTimeUnixNano: this.wall(e.t),
      attributes: [],
      status: { code: STATUS_UNSET },
    };
    const open: OpenSpan = { span, parent, lastT: e.t, events: [], dropped: 0 };
    this.setAttrs(open, { ...attrs, 'harness.seq': e.seq, 'harness.t.start': e.t, 'harness.time.virtual': true });
    return open;
  }

  private close(open: OpenSpan, t: number, code: number, message?: string): OtlpSpan {
    const end = Math.max(open.lastT, t);
    if (open.parent) open.parent.lastT = Math.max(open.parent.lastT, end);
    const span = open.span;
    span.endTimeUnixNano = this.wall(end);
    this.setAttrs(open, { 'harness.t.end': end });
    if (open.events.length > 0) span.events = open.events;
    if (open.dropped > 0) span.droppedEventsCount = open.dropped;
    span.status = message !== undefined && code === STATUS_ERROR ? { code, message: this.cut(message) } : { code };
    return span;
  }

  /** Closes the open tool, chat and turn spans and the root, children first. */
  private closeAll(t: number, rootCode: number, rootMessage?: string): OtlpSpan[] {
    const out: OtlpSpan[] = [];
    for (const tool of this.tools.values()) out.push(this.close(tool, t, STATUS_UNSET));
    this.tools.clear();
    for (const [agent, turn] of this.turns) {
      if (turn.chat) out.push(this.close(turn.chat, t, STATUS_UNSET));
      out.push(this.closeTurn(agent, t));
    }
    out.push(this.close(this.root!, t, rootCode, rootMessage));
    this.ended = true;
    return out;
  }

  /** Records `e` as a span event of `open`, with its payload's numbers as attributes. */
  private note(open: OpenSpan, e: KernelEvent): void {
    open.lastT = Math.max(open.lastT, e.t);
    if (open.events.length >= this.maxEvents) {
      open.dropped++;
      return;
    }
    open.events.push({ timeUnixNano: this.wall(e.t), name: e.type, attributes: this.eventAttributes(e) });
  }

  private eventAttributes(e: KernelEvent): OtlpKeyValue[] {
    const out: OtlpKeyValue[] = [
      { key: 'harness.seq', value: { intValue: String(e.seq) } },
      { key: 'harness.t', value: anyValue(e.t)! },
    ];
    for (const [key, v] of Object.entries(e)) {
      if (COMMON_FIELDS.has(key) || (!this.content && CONTENT_FIELDS.has(key))) continue;
      this.flatten(`harness.${key}`, v, 1, out);
    }
    return out;
  }

  /** Nested records (stats, numbers, decision) become dotted keys, one level deep; deeper values are JSON. */
  private flatten(key: string, v: unknown, depth: number, out: OtlpKeyValue[]): void {
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && depth > 0) {
      for (const [k, inner] of Object.entries(v)) {
        if (!this.content && CONTENT_FIELDS.has(k)) continue;
        this.flatten(`${key}.${k}`, inner, depth - 1, out);
      }
      return;
    }
    const value = anyValue(v);
    if (value !== null) out.push({ key, value: this.cutValue(value) });
  }

  private setAttrs(open: OpenSpan, record: Record<string, unknown>): void {
    const list = open.span.attributes;
    for (const kv of attributes(record)) {
      const value = this.cutValue(kv.value);
      const at = list.findIndex((a) => a.key === kv.key);
      if (at >= 0) list[at] = { key: kv.key, value };
      else list.push({ key: kv.key, value });
    }
  }

  private cutValue(value: ReturnType<typeof anyValue> & object): typeof value {
    return 'stringValue' in value && value.stringValue.length > this.maxString ? { stringValue: this.cut(value.stringValue) } : value;
  }

  private cut(text: string): string {
    return text.length > this.maxString ? `${text.slice(0, this.maxString - 1)}…` : text;
  }

  /** Virtual ms as wall-clock Unix nanoseconds (a decimal string, as OTLP JSON writes 64-bit integers). */
  private wall(t: number): string {
    return String(this.startNs + BigInt(Math.round(t * 1_000_000)));
  }
}
