/**
 * The OpenAI-style chat completions adapter: `POST {base}/chat/completions` with `stream: true`
 * and `stream_options.include_usage`, read as `chat.completion.chunk` server-sent events until
 * `data: [DONE]`. The same wire is spoken by Ollama, vLLM, llama.cpp's server, LM Studio and
 * OpenRouter. Tool-call fragments are assembled by their `index`, so parallel calls and
 * arguments split across any number of chunks come out whole.
 */
import { safeEndpoint, type ProviderError } from './errors';
import { ResponseRecorder } from './recorder';
import { fail, responseError, isEventStream, makeTransport, readEvents, requestIdOf, send, type Transport } from './transport';
import type { ChatMessage, ChatOptions, ChatRequest, ChatResponse, EndpointConfig, FinishReason, ModelInfo, Provider, ProviderDeps, Usage } from './types';

/** The API root: a bare origin gets `/v1` (what every OpenAI-compatible server serves). */
export function openAiBase(baseUrl: string): string {
  const trimmed = baseUrl.trim().replace(/\/+$/, '');
  try {
    const u = new URL(trimmed);
    return u.pathname === '' || u.pathname === '/' ? `${trimmed}/v1` : trimmed;
  } catch {
    return trimmed;
  }
}

const FINISH: Record<string, FinishReason> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool-calls',
  function_call: 'tool-calls',
  content_filter: 'content-filter',
};

function toWireMessages(system: string, messages: readonly ChatMessage[]): unknown[] {
  const out: unknown[] = system ? [{ role: 'system', content: system }] : [];
  for (const m of messages) {
    if (m.role === 'user') out.push({ role: 'user', content: m.text });
    else if (m.role === 'tool') out.push({ role: 'tool', tool_call_id: m.toolCallId, content: m.text });
    else {
      const calls = m.toolCalls ?? [];
      out.push({
        role: 'assistant',
        content: m.text || (calls.length > 0 ? null : ''),
        ...(calls.length > 0
          ? { tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: JSON.stringify(c.args) } })) }
          : {}),
      });
    }
  }
  return out;
}

export function openAiRequestBody(req: ChatRequest, maxTokensField: 'max_tokens' | 'max_completion_tokens' = 'max_tokens'): Record<string, unknown> {
  const tools = req.tools ?? [];
  return {
    model: req.model,
    messages: toWireMessages(req.system, req.messages),
    stream: true,
    stream_options: { include_usage: true },
    ...(tools.length > 0
      ? { tools: tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } })) }
      : {}),
    ...(tools.length > 0 && req.toolChoice ? { tool_choice: req.toolChoice } : {}),
    ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
    ...(req.seed !== undefined ? { seed: req.seed } : {}),
    ...(req.maxTokens !== undefined ? { [maxTokensField]: req.maxTokens } : {}),
  };
}

interface WireUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number } | null;
}

function usageOf(u: WireUsage): Usage {
  const cached = u.prompt_tokens_details?.cached_tokens;
  return {
    inputTokens: u.prompt_tokens ?? 0,
    outputTokens: u.completion_tokens ?? 0,
    ...(typeof cached === 'number' && cached > 0 ? { cachedInputTokens: cached } : {}),
  };
}

interface WireToolCallDelta {
  index?: number;
  id?: string;
  function?: { name?: string; arguments?: string };
}

interface WireChunk {
  id?: string;
  model?: string;
  system_fingerprint?: string | null;
  usage?: WireUsage | null;
  error?: { message?: string } | string;
  choices?: Array<{
    index?: number;
    delta?: { content?: string | null; tool_calls?: WireToolCallDelta[] | null };
    message?: { content?: string | null; tool_calls?: Array<WireToolCallDelta & { function?: { name?: string; arguments?: string } }> | null };
    finish_reason?: string | null;
  }> | null;
}

/** Applies one chunk (or a whole non-streamed completion) to the recorder. */
function applyChunk(rec: ResponseRecorder, chunk: WireChunk): void {
  if (chunk.id) rec.responseId ??= chunk.id;
  if (chunk.model) rec.model ??= chunk.model;
  if (chunk.system_fingerprint) rec.systemFingerprint = chunk.system_fingerprint;
  if (chunk.usage) rec.usage = usageOf(chunk.usage);
  // Only the first choice: we never ask for n > 1.
  const choice = chunk.choices?.find((c) => (c.index ?? 0) === 0);
  if (!choice) return;
  const part = choice.delta ?? choice.message;
  if (typeof part?.content === 'string') rec.addText(part.content);
  part?.tool_calls?.forEach((tc, position) => {
    rec.addToolCall(tc.index ?? position, tc.id, tc.function?.name, tc.function?.arguments ?? '');
  });
  if (choice.finish_reason) rec.rawFinishReason = choice.finish_reason;
}

function finishOf(rec: ResponseRecorder): FinishReason {
  return rec.rawFinishReason ? (FINISH[rec.rawFinishReason] ?? 'other') : 'stop';
}

function inStreamError(t: Transport, rec: ResponseRecorder, err: WireChunk['error']): ProviderError {
  const said = typeof err === 'string' ? err : (err?.message ?? 'an error');
  return fail(t, 'server', `${t.endpoint} reported an error in the middle of the answer: ${said}.`, 'It will be retried; if it persists, check the server.', {
    requestId: rec.requestId,
    partial: rec.snapshot('other'),
  });
}

export function createOpenAiProvider(config: EndpointConfig, deps: ProviderDeps = {}): Provider {
  const base = openAiBase(config.baseUrl);
  const key = config.apiKey ?? '';
  const t = makeTransport('openai', safeEndpoint(base), key ? [key] : [], deps);
  const headers = (): Record<string, string> => ({
    'content-type': 'application/json',
    ...(key ? { authorization: `Bearer ${key}` } : {}),
  });

  async function chat(req: ChatRequest, opts: ChatOptions = {}): Promise<ChatResponse> {
    if (req.assistantPrefix) {
      throw fail(t, 'unsupported', 'The OpenAI chat completions wire cannot continue an assistant prefix.', 'Restart the generation instead of resuming it.');
    }
    const body = openAiRequestBody(req, config.maxTokensField);
    const rec = new ResponseRecorder('openai', t.endpoint, req, { seed: req.seed ?? null, maxTokens: req.maxTokens ?? null, prefix: '' }, t.now, opts.onDelta);
    const res = await send(t, `${base}/chat/completions`, { method: 'POST', headers: { ...headers(), accept: 'text/event-stream' }, body: JSON.stringify(body) }, opts.signal);
    if (res === 'aborted') return rec.snapshot('aborted');
    rec.headers();
    rec.requestId = requestIdOf(res);
    if (!res.ok) throw await responseError(t, res);

    if (!isEventStream(res)) {
      // A server that ignored `stream: true` and sent one chat.completion object.
      let whole: WireChunk;
      try {
        whole = JSON.parse(await res.text()) as WireChunk;
      } catch {
        throw fail(t, 'protocol', `${t.endpoint} answered neither an event stream nor JSON (content-type ${res.headers.get('content-type') ?? 'none'}).`, 'Check that the base URL points at an OpenAI-compatible API.', { status: res.status, requestId: rec.requestId });
      }
      if (whole.error) throw inStreamError(t, rec, whole.error);
      applyChunk(rec, whole);
      return rec.snapshot(finishOf(rec));
    }

    const end = await readEvents(t, res, opts.signal, (event) => {
      if (event.data === '[DONE]') return true;
      rec.events++;
      let chunk: WireChunk;
      try {
        chunk = JSON.parse(event.data) as WireChunk;
      } catch {
        throw fail(t, 'protocol', `${t.endpoint} sent an event that is not JSON: ${event.data.slice(0, 80)}`, 'Check that the base URL points at an OpenAI-compatible API.', { requestId: rec.requestId, partial: rec.snapshot('other') });
      }
      if (chunk.error) throw inStreamError(t, rec, chunk.error);
      applyChunk(rec, chunk);
      return false;
    });
    if (end.end === 'aborted') return rec.snapshot('aborted');
    // Some servers close without `[DONE]` after the finishing chunk: that answer is whole.
    if (end.end === 'complete' || (end.end === 'eof' && rec.rawFinishReason)) return rec.snapshot(finishOf(rec));
    const detail = end.end === 'dropped' ? end.detail : 'the stream ended before [DONE]';
    throw fail(t, 'dropped', `The connection to ${t.endpoint} dropped in the middle of the answer (${detail}).`, 'It will be retried; the partial answer is kept.', { requestId: rec.requestId, partial: rec.snapshot('other') });
  }

  async function listModels(opts: { signal?: AbortSignal } = {}): Promise<ModelInfo[]> {
    const res = await send(t, `${base}/models`, { method: 'GET', headers: headers() }, opts.signal);
    if (res === 'aborted') return [];
    if (!res.ok) throw await responseError(t, res);
    let json: { data?: Array<{ id?: unknown; created?: unknown; owned_by?: unknown }> };
    try {
      json = (await res.json()) as typeof json;
    } catch {
      throw fail(t, 'protocol', `${t.endpoint}/models did not answer JSON.`, 'Check that the base URL points at an OpenAI-compatible API.', { status: res.status });
    }
    return (json.data ?? [])
      .filter((m) => typeof m.id === 'string')
      .map((m) => ({
        id: m.id as string,
        ...(typeof m.created === 'number' ? { created: m.created * 1000 } : {}),
        ...(typeof m.owned_by === 'string' ? { ownedBy: m.owned_by } : {}),
      }));
  }

  return { wire: 'openai', endpoint: t.endpoint, capabilities: { seed: true, assistantPrefix: false }, chat, listModels };
}
