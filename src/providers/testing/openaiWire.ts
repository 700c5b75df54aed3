/**
 * OpenAI chat completions wire frames for the test server, shaped as the API documents them:
 * `data: {chat.completion.chunk}\n\n` per chunk, `"usage": null` on every chunk when usage was
 * asked for and a last chunk with `"choices": []` carrying it, then `data: [DONE]\n\n`. Tool calls
 * open with `{index, id, type: "function", function: {name, arguments: ""}}` and continue with
 * `{index, function: {arguments}}` fragments.
 */

export interface OpenAiToolCallScript {
  id: string;
  name: string;
  /** The arguments JSON, cut into the fragments the stream carries. */
  argumentChunks: readonly string[];
}

export interface OpenAiStreamScript {
  id?: string;
  model?: string;
  created?: number;
  systemFingerprint?: string;
  text?: readonly string[];
  toolCalls?: readonly OpenAiToolCallScript[];
  /** Parallel calls: fragments of all calls round-robin instead of one call after another. */
  interleave?: boolean;
  finishReason?: string;
  /** The usage-only last chunk (stream_options.include_usage); null leaves it out. */
  usage?: { prompt: number; completion: number; cached?: number } | null;
  /** End with `data: [DONE]` (default true). */
  done?: boolean;
}

export function sse(data: string): string {
  return `data: ${data}\n\n`;
}

export function openAiStream(s: OpenAiStreamScript): string[] {
  const base = {
    id: s.id ?? 'chatcmpl-test1',
    object: 'chat.completion.chunk',
    created: s.created ?? 1_765_000_000,
    model: s.model ?? 'gpt-test-2026-01-01',
    system_fingerprint: s.systemFingerprint ?? 'fp_test',
  };
  const withUsage = s.usage !== null;
  const chunk = (delta: Record<string, unknown>, finish: string | null = null): string =>
    sse(JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...(withUsage ? { usage: null } : {}) }));

  const frames: string[] = [chunk({ role: 'assistant', content: '', refusal: null })];
  for (const t of s.text ?? []) frames.push(chunk({ content: t }));

  const calls = s.toolCalls ?? [];
  const opening = (i: number, c: OpenAiToolCallScript): string =>
    chunk({ tool_calls: [{ index: i, id: c.id, type: 'function', function: { name: c.name, arguments: '' } }] });
  const fragment = (i: number, args: string): string => chunk({ tool_calls: [{ index: i, function: { arguments: args } }] });
  if (s.interleave) {
    calls.forEach((c, i) => frames.push(opening(i, c)));
    const longest = Math.max(0, ...calls.map((c) => c.argumentChunks.length));
    for (let k = 0; k < longest; k++) {
      calls.forEach((c, i) => {
        const part = c.argumentChunks[k];
        if (part !== undefined) frames.push(fragment(i, part));
      });
    }
  } else {
    calls.forEach((c, i) => {
      frames.push(opening(i, c));
      for (const part of c.argumentChunks) frames.push(fragment(i, part));
    });
  }

  frames.push(chunk({}, s.finishReason ?? (calls.length > 0 ? 'tool_calls' : 'stop')));
  if (s.usage) {
    const u = s.usage;
    frames.push(
      sse(JSON.stringify({
        ...base,
        choices: [],
        usage: {
          prompt_tokens: u.prompt,
          completion_tokens: u.completion,
          total_tokens: u.prompt + u.completion,
          prompt_tokens_details: { cached_tokens: u.cached ?? 0, audio_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
        },
      })),
    );
  }
  if (s.done !== false) frames.push(sse('[DONE]'));
  return frames;
}

/** An OpenAI error body: `{"error": {"message", "type", "param", "code"}}`. */
export function openAiErrorBody(message: string, type: string, code: string | null = null): string {
  return JSON.stringify({ error: { message, type, param: null, code } });
}

/** `GET /v1/models`: `{"object": "list", "data": [{id, object: "model", created, owned_by}]}`. */
export function openAiModelList(ids: readonly string[]): string {
  return JSON.stringify({ object: 'list', data: ids.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'test' })) });
}
