/**
 * ModelCpu: a real language model as the kernel's CPU. It turns the kernel's request (system
 * prompt, context window, functions) into a chat request, and the model's answer into one Action
 * plus the record the trace keeps (so replay, seek and fork never call the model again).
 *
 * The rules, documented in docs/providers.md:
 * - the first tool call is the action; further parallel calls are recorded, not run;
 * - a call that does not map (unknown function, invalid JSON, arguments failing the schema) is
 *   `think` with a `callError` the model sees on its next turn;
 * - a plain-text answer with no call is `think`: the text enters its window and the turn ends.
 */
import { CpuFault, actionFromCall, countTokens, encodingFor, type Action, type CallError, type Cpu, type Generation, type HarnessSpec, type InferRequest, type InferResult, type JudgeAnswer, type JudgeRequest, type SummaryAnswer, type SummaryRequest, type ModelSpec, type Resume, type Segment } from '../kernel';
import { judgeAnswer, judgeChatRequest } from './judge';
import { summaryAnswer, summaryChatRequest } from './compactSummary';
import { createAnthropicProvider } from './anthropic';
import { createOpenAiProvider } from './openai';
import { ProviderError, type ProviderFailure } from './errors';
import { EndpointPacer, WALL_CLOCK, type PaceClock } from './pacing';
import type { ChatMessage, ChatRequest, ChatResponse, EndpointConfig, Provider, ProviderDeps, ToolCall } from './types';
import { LiveGeneration, type ModelDelta, type StreamCall } from './liveGeneration';

export type { ModelDelta } from './liveGeneration';

/** What a ModelCpu reports besides its answers. */
export interface ModelCpuOptions {
  /** Called for every streamed delta of a live call, as it arrives. */
  onDelta?: (d: ModelDelta) => void;
  /** Wall time and waiting for the pacing of retries (tests pass one that does not wait); default: timers. */
  clock?: PaceClock;
}

/** The providers a model may name that a ModelCpu serves. */
export const NETWORK_PROVIDERS: readonly string[] = Object.freeze(['openai', 'openai-compatible', 'anthropic']);

/**
 * A model's call failed before it produced an answer: the kernel's CpuFault (plain failure data it
 * records on `infer.failed` and schedules on), naming the model; never holds a key (messages are
 * redacted by the adapters).
 */
export class ModelCallError extends CpuFault {
  constructor(
    model: string,
    readonly cause: ProviderError,
  ) {
    super(model, cpuFailure(cause.failure));
    this.name = 'ModelCallError';
  }
}

/** A provider's failure in the kernel's form: the endpoint stays in the message, the partial answer is JSON. */
export function cpuFailure(f: ProviderFailure): CpuFault['failure'] {
  return {
    kind: f.kind, message: f.message, fix: f.fix, retryable: f.retryable, retryAfterMs: f.retryAfterMs, status: f.status,
    partial: f.partial === null ? null : (JSON.parse(JSON.stringify(f.partial)) as Record<string, unknown>),
  };
}

/**
 * The window as chat messages: system segments become the system prompt; the rest keep their order.
 * With `perSegment` (a request with cache markers), each segment is a message of its own, so an
 * adapter that joins a role's consecutive messages keeps one content block per segment: the
 * block boundaries stay where the kernel's prefix cache puts them, turn after turn, and the
 * segments `req.cachePrefix` says end the warm and the cached prefix carry `cacheBreak`.
 */
export function chatMessages(req: Pick<InferRequest, 'context' | 'system' | 'cachePrefix'>, perSegment = false): { system: string; messages: ChatMessage[] } {
  const system: string[] = [];
  const messages: ChatMessage[] = [];
  const breaks = perSegment && req.cachePrefix ? new Set([req.cachePrefix.warmSegments - 1, req.cachePrefix.cachedSegments - 1]) : null;
  const add = (role: 'user' | 'assistant', text: string, cacheBreak: boolean): void => {
    const last = messages[messages.length - 1];
    const mark = cacheBreak ? { cacheBreak: true as const } : {};
    // Both APIs want turns to alternate: consecutive lines of one role are one message.
    if (!perSegment && last && last.role === role) messages[messages.length - 1] = { role, text: `${last.text}\n\n${text}` };
    else messages.push({ role, text, ...mark });
  };
  (req.context as readonly Segment[]).forEach((seg, i) => {
    const mark = breaks?.has(i) === true;
    if (seg.kind === 'system' || seg.role === 'system') system.push(seg.text);
    else if (seg.role === 'assistant') add('assistant', seg.text, mark);
    else add('user', seg.role === 'tool' ? `[${seg.source}] ${seg.text}` : seg.source.startsWith('msg:') || seg.source === 'system' ? seg.text : `[${seg.source}] ${seg.text}`, mark);
  });
  if (req.system !== '' && !system.includes(req.system)) system.unshift(req.system);
  // A conversation starts with the user (Anthropic requires it).
  if (messages[0]?.role !== 'user') messages.unshift({ role: 'user', text: 'Begin your task.' });
  return { system: system.join('\n\n'), messages };
}

/**
 * The chat request for one turn. `markCache` (an endpoint whose cache needs markers, on a model
 * that declares `prefixCache`): breakpoints where the kernel's prefix cache says the cached
 * prefix ends — the tools and the system prompt (once anything is cached), and the window
 * segments ending the warm and the cached prefix; at most four, Anthropic's limit.
 */
export function chatRequest(req: InferRequest, markCache = false): ChatRequest {
  const marks = markCache && req.cachePrefix !== undefined;
  const { system, messages } = chatMessages(req, marks);
  const cached = marks && req.cachePrefix!.cachedSegments > 0;
  return {
    model: req.model.model, system, messages,
    tools: req.functions.map((f) => ({ name: f.name, description: f.description, parameters: f.parameters })),
    toolChoice: 'auto', temperature: req.agent.temperature, seed: req.seed,
    ...(cached ? { cacheBreaks: { tools: true, system: true } } : {}),
  };
}

function callText(name: string, argumentsJson: string): string {
  return `call ${name}(${argumentsJson})`;
}

/**
 * The response as the trace keeps it: JSON in, JSON out (the live record is byte for byte what a
 * replay reads back), without what the same event already holds. Its `text` is left out (the
 * event's text is that text, then the first call as `call NAME(ARGS)` on its own line), and so
 * is each parsed call's `args` (its `argumentsJson`, parsed); a part resumed by prefix has the
 * recorded `prefix` before that text. {@link expandRecordedResponse}
 * puts both back. The bench measured 18 recorded bytes per generated token with them, 13 without.
 */
export function recordedResponse(response: ChatResponse): Record<string, unknown> {
  const { text: _text, toolCalls, ...rest } = JSON.parse(JSON.stringify(response)) as ChatResponse;
  return { ...rest, toolCalls: toolCalls.map((c) => (c.ok ? { id: c.id, name: c.name, argumentsJson: c.argumentsJson, ok: true } : c)) };
}

/** The whole ChatResponse back from a recorded one and its event's text (the inverse of {@link recordedResponse}). */
export function expandRecordedResponse(recorded: Record<string, unknown>, eventText: string): ChatResponse {
  const r = recorded as unknown as Omit<ChatResponse, 'text' | 'toolCalls'> & { toolCalls: Array<Omit<ToolCall, 'args'> & { args?: Record<string, unknown> }> };
  const toolCalls = r.toolCalls.map((c): ToolCall => (c.ok ? { ...c, ok: true, args: (c.args ?? JSON.parse(c.argumentsJson)) as Record<string, unknown> } : (c as ToolCall)));
  const first = toolCalls[0];
  const line = first ? callText(first.name, first.argumentsJson) : null;
  const answer = line === null ? eventText : eventText === line ? '' : eventText.slice(0, eventText.length - line.length - 1);
  // A part resumed by prefix: the event's text starts with the prefix the model continued.
  const text = r.prefix && answer.startsWith(r.prefix) ? answer.slice(r.prefix.length) : answer;
  return { ...r, text, toolCalls } as ChatResponse;
}

/** The answer as an Action, the text that enters the window, and the record. */
export function inferResult(req: InferRequest, provider: string, response: ChatResponse): InferResult {
  const call = response.toolCalls[0];
  let action: Action = { kind: 'think' };
  let callError: CallError | undefined;
  if (call) {
    const mapped = actionFromCall(req.functions, call.name, call.ok ? { ok: true, args: call.args } : { ok: false, error: call.error, ...(call.code ? { code: call.code } : {}) });
    if (mapped.ok) action = mapped.action;
    else callError = mapped.error;
  }
  // A part resumed by prefix: the answer is the prefix and what the model added; it produced only the latter.
  const said = [response.text, ...(call ? [callText(call.name, call.argumentsJson)] : [])].filter((t) => t !== '').join('\n');
  const text = [response.prefix + response.text, ...(call ? [callText(call.name, call.argumentsJson)] : [])].filter((t) => t !== '').join('\n');
  const estimateOut = countTokens(said, encodingFor(req.model));
  const usage = response.usage;
  const recorded = recordedResponse(response);
  // OpenAI's prompt_tokens include its cached tokens; Anthropic's input_tokens leave out cache reads and writes (its docs: total = input + cache_creation + cache_read).
  const tokensIn = usage ? usage.inputTokens + (provider === 'anthropic' ? (usage.cachedInputTokens ?? 0) + (usage.cacheWriteTokens ?? 0) : 0) : 0;
  return {
    action, text, tokensOut: Math.max(1, usage?.outputTokens ?? estimateOut), latencyMs: response.timing.totalMs, nextPc: req.pc,
    ...(usage ? { tokensIn } : {}),
    record: {
      provider,
      reported: usage ? { tokensIn, tokensOut: usage.outputTokens, ...(usage.cachedInputTokens ? { cachedIn: usage.cachedInputTokens } : {}), ...(usage.cacheWriteTokens ? { cacheWrite: usage.cacheWriteTokens } : {}) } : null,
      estimate: { tokensIn: req.estimatedTokensIn, tokensOut: estimateOut },
      response: recorded,
    },
    ...(callError ? { callError } : {}),
  };
}

/** One provider name's CPU: each model id goes to its own endpoint. */
export class ModelCpu implements Cpu {
  /** Chat requests sent (tests count them). */
  calls = 0;

  private readonly pacers = new Map<string, EndpointPacer>();

  constructor(
    readonly provider: string,
    private readonly endpoints: ReadonlyMap<string, Provider>,
    private readonly options: ModelCpuOptions = {},
  ) {}

  async infer(req: InferRequest): Promise<InferResult> {
    return this.start(req).result();
  }

  /** Asks the model's endpoint a goal's rubric question (judge.ts); a failed call rejects with a ModelCallError. */
  async judge(req: JudgeRequest): Promise<JudgeAnswer> {
    const endpoint = this.endpoints.get(req.model.id);
    if (!endpoint) throw new Error(`model ${req.model.id}: no endpoint is configured for it`);
    this.calls += 1;
    const chat = judgeChatRequest(req);
    try {
      const response = await endpoint.chat(chat);
      return judgeAnswer(req, this.provider, chat, response, recordedResponse(response));
    } catch (err) {
      throw err instanceof ProviderError ? new ModelCallError(req.model.id, err) : err;
    }
  }

  /** Asks the model's endpoint for the summary at a compaction (compactSummary.ts); a failed call rejects with a ModelCallError. */
  async summarize(req: SummaryRequest): Promise<SummaryAnswer> {
    const endpoint = this.endpoints.get(req.model.id);
    if (!endpoint) throw new Error(`model ${req.model.id}: no endpoint is configured for it`);
    this.calls += 1;
    const chat = summaryChatRequest(req);
    try {
      const response = await endpoint.chat(chat);
      return summaryAnswer(req, this.provider, chat, response, recordedResponse(response));
    } catch (err) {
      throw err instanceof ProviderError ? new ModelCallError(req.model.id, err) : err;
    }
  }

  /**
   * Sends the turn's request (or, after a preemption, the next part's) and streams it. A part
   * after a preemption continues the partial text as an assistant prefix where the endpoint can
   * (Anthropic), unless the partial had begun a tool call (a prefix carries only text); else the
   * request is sent again as it was (restart).
   */
  start(req: InferRequest, resume?: Resume): Generation {
    const endpoint = this.endpoints.get(req.model.id);
    if (!endpoint) throw new Error(`model ${req.model.id}: no endpoint is configured for it`);
    this.calls += 1;
    const partial = resume?.partial;
    const prefix = partial && endpoint.capabilities.assistantPrefix && partial.calls.length === 0 && partial.text.trim() !== '' ? partial.text : null;
    // Anthropic caches only where the request marks it: on a model with prefixCache the kernel's prefix cache says where.
    const turn = chatRequest(req, endpoint.wire === 'anthropic');
    const chat = prefix === null ? turn : { ...turn, assistantPrefix: prefix };
    // The kernel's retry waits on virtual time; the endpoint is not asked again before its wall-clock not-before.
    let pacer = this.pacers.get(req.model.id);
    if (!pacer) this.pacers.set(req.model.id, (pacer = new EndpointPacer(this.options.clock ?? WALL_CLOCK)));
    const paced = pacer;
    const call: StreamCall = async (signal, onDelta) => {
      await paced.ready(req.attempt ?? 0);
      try {
        return await endpoint.chat(chat, { signal, onDelta });
      } catch (err) {
        if (err instanceof ProviderError) paced.failed(err.failure);
        throw err;
      }
    };
    return new LiveGeneration(req, call, resume ? (prefix === null ? 'restart' : 'prefix') : null, {
      toResult: (response) => inferResult(req, this.provider, response),
      toError: (err) => (err instanceof ProviderError ? new ModelCallError(req.model.id, err) : err),
      ...(this.options.onDelta ? { onDelta: this.options.onDelta } : {}),
    });
  }
}

/** An endpoint for a model: where it lives (with its key), or a ready Provider (the local CPU). */
export type ModelEndpoint = EndpointConfig | Provider;

/** The wire a model's provider speaks. */
export function wireOf(model: Pick<ModelSpec, 'provider'>): 'openai' | 'anthropic' {
  return model.provider === 'anthropic' ? 'anthropic' : 'openai';
}

/**
 * The CPUs for a document's real models, keyed by provider name as the kernel's `cpus` option
 * wants them: `endpoints` maps a model id to its endpoint (models without one are left out, and
 * checkRunnable reports them). The factory the worker and the CLI call.
 */
export function createModelCpus(spec: HarnessSpec, endpoints: Readonly<Record<string, ModelEndpoint>>, deps: ProviderDeps = {}, options: ModelCpuOptions = {}): Record<string, ModelCpu> {
  const byProvider = new Map<string, Map<string, Provider>>();
  for (const m of spec.models) {
    const ep = endpoints[m.id];
    if (m.provider === 'sim' || ep === undefined) continue;
    const provider = 'chat' in ep ? ep : ep.wire === 'anthropic' ? createAnthropicProvider(ep, deps) : createOpenAiProvider(ep, deps);
    const map = byProvider.get(m.provider) ?? new Map<string, Provider>();
    map.set(m.id, provider);
    byProvider.set(m.provider, map);
  }
  const out: Record<string, ModelCpu> = {};
  for (const [name, map] of byProvider) out[name] = new ModelCpu(name, map, options);
  return out;
}
