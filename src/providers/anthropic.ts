/**
 * The Anthropic Messages adapter: `POST {origin}/v1/messages` with `stream: true`, read as the
 * documented event flow `message_start`, then per content block `content_block_start`,
 * `content_block_delta` (`text_delta` / `input_json_delta`), `content_block_stop`, then
 * `message_delta` (stop reason, cumulative usage) and `message_stop`; `ping` and unknown events
 * are skipped, an `error` event fails the call with the partial answer. A tool_use block's input
 * streams as partial JSON strings, assembled per block index.
 */
import { safeEndpoint, type ProviderErrorKind } from './errors';
import { ResponseRecorder } from './recorder';
import { fail, responseError, isEventStream, makeTransport, readEvents, requestIdOf, send } from './transport';
import type { ChatMessage, ChatOptions, ChatRequest, ChatResponse, EndpointConfig, FinishReason, ModelInfo, Provider, ProviderDeps, Usage } from './types';

export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 1024;

/** The origin (or proxy root) under which `/v1/messages` lives; a trailing `/v1` is tolerated. */
export function anthropicBase(baseUrl: string): string {
  return baseUrl.trim().replace(/\/+$/, '').replace(/\/v1$/, '');
}

const FINISH: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  tool_use: 'tool-calls',
  refusal: 'content-filter',
};

type Block = Record<string, unknown>;
interface WireMessage {
  role: 'user' | 'assistant';
  content: Block[];
}

/** Anthropic's prompt-cache breakpoint: the prefix up to and including the block it marks is cached. */
const EPHEMERAL = { type: 'ephemeral' } as const;

/** The block with a cache breakpoint on it when `mark`. */
function marked<T extends Block>(block: T, mark: boolean | undefined): T {
  return mark ? { ...block, cache_control: EPHEMERAL } : block;
}

/** Tool results travel in a user turn; consecutive turns of one role are merged into one message (one block each). */
function toWireMessages(messages: readonly ChatMessage[], prefix: string): WireMessage[] {
  const out: WireMessage[] = [];
  const push = (role: WireMessage['role'], blocks: Block[]): void => {
    if (blocks.length === 0) return;
    const last = out[out.length - 1];
    if (last && last.role === role) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  };
  // A breakpoint goes on the message's last block.
  const markLast = (blocks: Block[], mark: boolean | undefined): Block[] => (mark && blocks.length > 0 ? [...blocks.slice(0, -1), marked(blocks.at(-1)!, true)] : blocks);
  for (const m of messages) {
    if (m.role === 'user') push('user', markLast(m.text ? [{ type: 'text', text: m.text }] : [], m.cacheBreak));
    else if (m.role === 'tool') {
      push('user', markLast([{ type: 'tool_result', tool_use_id: m.toolCallId, content: m.text, ...(m.isError ? { is_error: true } : {}) }], m.cacheBreak));
    } else {
      push('assistant', markLast([
        ...(m.text ? [{ type: 'text', text: m.text }] : []),
        ...(m.toolCalls ?? []).map((c) => ({ type: 'tool_use', id: c.id, name: c.name, input: c.args })),
      ], m.cacheBreak));
    }
  }
  if (prefix) push('assistant', [{ type: 'text', text: prefix }]);
  return out;
}

export function anthropicRequestBody(req: ChatRequest): Record<string, unknown> {
  const tools = req.tools ?? [];
  // The API refuses a final assistant turn that ends in whitespace.
  const prefix = (req.assistantPrefix ?? '').trimEnd();
  const choice = req.toolChoice === 'required' ? 'any' : req.toolChoice;
  const breaks = req.cacheBreaks;
  // A marked system prompt is a list of text blocks (the documented form for cache_control).
  const system = req.system ? (breaks?.system ? [marked({ type: 'text', text: req.system }, true)] : req.system) : undefined;
  return {
    model: req.model,
    max_tokens: req.maxTokens ?? DEFAULT_ANTHROPIC_MAX_TOKENS,
    ...(system !== undefined ? { system } : {}),
    messages: toWireMessages(req.messages, prefix),
    ...(tools.length > 0 ? { tools: tools.map((t, i) => marked({ name: t.name, description: t.description, input_schema: t.parameters }, breaks?.tools && i === tools.length - 1)) } : {}),
    ...(tools.length > 0 && choice ? { tool_choice: { type: choice } } : {}),
    ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
    stream: true,
  };
}

interface WireUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

/** message_start carries the input count; message_delta's counts are cumulative and win where given. */
function mergeUsage(prev: Usage | null, u: WireUsage): Usage {
  const cacheRead = u.cache_read_input_tokens ?? prev?.cachedInputTokens;
  const cacheWrite = u.cache_creation_input_tokens ?? prev?.cacheWriteTokens;
  return {
    inputTokens: u.input_tokens ?? prev?.inputTokens ?? 0,
    outputTokens: u.output_tokens ?? prev?.outputTokens ?? 0,
    ...(cacheRead ? { cachedInputTokens: cacheRead } : {}),
    ...(cacheWrite ? { cacheWriteTokens: cacheWrite } : {}),
  };
}

interface WireEvent {
  type?: string;
  index?: number;
  message?: { id?: string; model?: string; usage?: WireUsage };
  content_block?: { type?: string; id?: string; name?: string; text?: string; input?: unknown };
  delta?: { type?: string; text?: string; partial_json?: string; stop_reason?: string | null };
  usage?: WireUsage;
  error?: { type?: string; message?: string };
}

const ERROR_KINDS: Record<string, ProviderErrorKind> = {
  overloaded_error: 'server',
  api_error: 'server',
  rate_limit_error: 'rate-limited',
  authentication_error: 'auth',
  permission_error: 'auth',
};

export function createAnthropicProvider(config: EndpointConfig, deps: ProviderDeps = {}): Provider {
  const base = anthropicBase(config.baseUrl);
  const key = config.apiKey ?? '';
  const t = makeTransport('anthropic', safeEndpoint(base), key ? [key] : [], deps);
  const headers = (): Record<string, string> => ({
    'content-type': 'application/json',
    'anthropic-version': config.anthropicVersion ?? DEFAULT_ANTHROPIC_VERSION,
    ...(key ? { 'x-api-key': key } : {}),
    // Without it the API refuses CORS requests; the key is the user's own, in their own browser.
    ...(t.environment === 'browser' ? { 'anthropic-dangerous-direct-browser-access': 'true' } : {}),
  });

  async function chat(req: ChatRequest, opts: ChatOptions = {}): Promise<ChatResponse> {
    const body = anthropicRequestBody(req);
    const prefix = (req.assistantPrefix ?? '').trimEnd();
    const rec = new ResponseRecorder('anthropic', t.endpoint, req, { seed: null, maxTokens: body.max_tokens as number, prefix }, t.now, opts.onDelta);
    const res = await send(t, `${base}/v1/messages`, { method: 'POST', headers: { ...headers(), accept: 'text/event-stream' }, body: JSON.stringify(body) }, opts.signal);
    if (res === 'aborted') return rec.snapshot('aborted');
    rec.headers();
    rec.requestId = requestIdOf(res);
    if (!res.ok) throw await responseError(t, res);
    if (!isEventStream(res)) {
      throw fail(t, 'protocol', `${t.endpoint} did not answer an event stream (content-type ${res.headers.get('content-type') ?? 'none'}).`, 'Check that the base URL points at the Anthropic Messages API.', { status: res.status, requestId: rec.requestId });
    }

    /** Tool-use blocks by index, with the input the start event carried (used when no partial JSON follows). */
    const toolBlocks = new Map<number, { input: unknown; streamed: boolean }>();
    let stopped = false;
    const end = await readEvents(t, res, opts.signal, (event) => {
      rec.events++;
      let ev: WireEvent;
      try {
        ev = JSON.parse(event.data) as WireEvent;
      } catch {
        throw fail(t, 'protocol', `${t.endpoint} sent an event that is not JSON: ${event.data.slice(0, 80)}`, 'Check that the base URL points at the Anthropic Messages API.', { requestId: rec.requestId, partial: rec.snapshot('other') });
      }
      const index = ev.index ?? 0;
      switch (ev.type ?? event.event) {
        case 'message_start':
          if (ev.message?.id) rec.responseId = ev.message.id;
          if (ev.message?.model) rec.model = ev.message.model;
          if (ev.message?.usage) rec.usage = mergeUsage(rec.usage, ev.message.usage);
          break;
        case 'content_block_start':
          if (ev.content_block?.type === 'text' && ev.content_block.text) rec.addText(ev.content_block.text);
          if (ev.content_block?.type === 'tool_use') {
            toolBlocks.set(index, { input: ev.content_block.input, streamed: false });
            rec.addToolCall(index, ev.content_block.id, ev.content_block.name, '');
          }
          break;
        case 'content_block_delta':
          if (ev.delta?.type === 'text_delta' && ev.delta.text) rec.addText(ev.delta.text);
          if (ev.delta?.type === 'input_json_delta' && rec.hasCall(index)) {
            const block = toolBlocks.get(index);
            if (block && ev.delta.partial_json) block.streamed = true;
            rec.addToolCall(index, undefined, undefined, ev.delta.partial_json ?? '');
          }
          break;
        case 'content_block_stop': {
          const block = toolBlocks.get(index);
          if (block && !block.streamed && block.input && typeof block.input === 'object' && Object.keys(block.input).length > 0) {
            rec.addToolCallInput(index, block.input);
          }
          break;
        }
        case 'message_delta':
          if (ev.delta?.stop_reason) rec.rawFinishReason = ev.delta.stop_reason;
          if (ev.usage) rec.usage = mergeUsage(rec.usage, ev.usage);
          break;
        case 'message_stop':
          stopped = true;
          return true;
        case 'error': {
          const kind = ERROR_KINDS[ev.error?.type ?? ''] ?? 'server';
          throw fail(t, kind, `${t.endpoint} reported ${ev.error?.type ?? 'an error'} in the middle of the answer: ${ev.error?.message ?? ''}`.trim(), kind === 'auth' ? 'Check the API key for this endpoint.' : 'It will be retried; the partial answer is kept.', {
            requestId: rec.requestId,
            partial: rec.snapshot('other'),
          });
        }
        default:
          // ping, and event types added later (the API's versioning policy says to skip them).
          break;
      }
      return false;
    });
    const finish = (): FinishReason => (rec.rawFinishReason ? (FINISH[rec.rawFinishReason] ?? 'other') : 'stop');
    if (end.end === 'aborted') return rec.snapshot('aborted');
    if (end.end === 'complete' && stopped) return rec.snapshot(finish());
    const detail = end.end === 'dropped' ? end.detail : 'the stream ended before message_stop';
    throw fail(t, 'dropped', `The connection to ${t.endpoint} dropped in the middle of the answer (${detail}).`, 'It will be retried; the partial answer is kept.', { requestId: rec.requestId, partial: rec.snapshot('other') });
  }

  async function listModels(opts: { signal?: AbortSignal } = {}): Promise<ModelInfo[]> {
    const models: ModelInfo[] = [];
    let after: string | null = null;
    // The list is paged (has_more, last_id); ten pages of 1000 is more than the API has.
    for (let page = 0; page < 10; page++) {
      const query: string = `?limit=1000${after ? `&after_id=${encodeURIComponent(after)}` : ''}`;
      const res = await send(t, `${base}/v1/models${query}`, { method: 'GET', headers: headers() }, opts.signal);
      if (res === 'aborted') return models;
      if (!res.ok) throw await responseError(t, res);
      let json: { data?: Array<{ id?: unknown; display_name?: unknown; created_at?: unknown }>; has_more?: boolean; last_id?: string | null };
      try {
        json = (await res.json()) as typeof json;
      } catch {
        throw fail(t, 'protocol', `${t.endpoint}/v1/models did not answer JSON.`, 'Check that the base URL points at the Anthropic API.', { status: res.status });
      }
      for (const m of json.data ?? []) {
        if (typeof m.id !== 'string') continue;
        const created = typeof m.created_at === 'string' ? Date.parse(m.created_at) : Number.NaN;
        models.push({
          id: m.id,
          ...(typeof m.display_name === 'string' ? { displayName: m.display_name } : {}),
          ...(Number.isNaN(created) ? {} : { created }),
        });
      }
      if (!json.has_more || !json.last_id) break;
      after = json.last_id;
    }
    return models;
  }

  return { wire: 'anthropic', endpoint: t.endpoint, capabilities: { seed: false, assistantPrefix: true }, chat, listModels };
}
