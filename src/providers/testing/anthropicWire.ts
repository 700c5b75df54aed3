/**
 * Anthropic Messages wire frames for the test server, shaped as the streaming docs show them:
 * each event is `event: NAME\ndata: {"type": NAME, …}\n\n`; the flow is message_start, then per
 * content block content_block_start / content_block_delta (text_delta, input_json_delta) /
 * content_block_stop, then message_delta (stop_reason, cumulative usage) and message_stop, with
 * ping events anywhere.
 */

export interface AnthropicToolUseScript {
  id: string;
  name: string;
  /** The input JSON, cut into partial_json fragments (the stream opens with an empty one). */
  jsonChunks: readonly string[];
}

export interface AnthropicStreamScript {
  id?: string;
  model?: string;
  text?: readonly string[];
  toolUses?: readonly AnthropicToolUseScript[];
  stopReason?: string;
  inputTokens?: number;
  outputTokens?: number;
  cacheReadTokens?: number;
  /** `cache_creation_input_tokens`: prompt tokens written to the cache (0 when unset). */
  cacheWriteTokens?: number;
  /** Put a ping after message_start (the API does). Default true. */
  ping?: boolean;
}

export function event(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

export function anthropicStream(s: AnthropicStreamScript): string[] {
  const frames: string[] = [
    event('message_start', {
      message: {
        id: s.id ?? 'msg_test1',
        type: 'message',
        role: 'assistant',
        model: s.model ?? 'claude-test-2026-01-01',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: s.inputTokens ?? 10, cache_creation_input_tokens: s.cacheWriteTokens ?? 0, cache_read_input_tokens: s.cacheReadTokens ?? 0, output_tokens: 1 },
      },
    }),
  ];
  if (s.ping !== false) frames.push(event('ping', {}));
  let index = 0;
  if (s.text && s.text.length > 0) {
    frames.push(event('content_block_start', { index, content_block: { type: 'text', text: '' } }));
    for (const t of s.text) frames.push(event('content_block_delta', { index, delta: { type: 'text_delta', text: t } }));
    frames.push(event('content_block_stop', { index }));
    index++;
  }
  for (const tu of s.toolUses ?? []) {
    frames.push(event('content_block_start', { index, content_block: { type: 'tool_use', id: tu.id, name: tu.name, input: {} } }));
    frames.push(event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: '' } }));
    for (const part of tu.jsonChunks) frames.push(event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: part } }));
    frames.push(event('content_block_stop', { index }));
    index++;
  }
  const stop = s.stopReason ?? ((s.toolUses ?? []).length > 0 ? 'tool_use' : 'end_turn');
  frames.push(event('message_delta', { delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: s.outputTokens ?? 5 } }));
  frames.push(event('message_stop', {}));
  return frames;
}

/** An error event inside the stream (e.g. `overloaded_error` during high load). */
export function anthropicErrorEvent(type: string, message: string): string {
  return event('error', { error: { type, message } });
}

/** An Anthropic error body: `{"type": "error", "error": {"type", "message"}}`. */
export function anthropicErrorBody(type: string, message: string): string {
  return JSON.stringify({ type: 'error', error: { type, message } });
}

/** `GET /v1/models`: `{"data": [{type: "model", id, display_name, created_at}], has_more, first_id, last_id}`. */
export function anthropicModelList(ids: readonly string[], hasMore = false): string {
  return JSON.stringify({
    data: ids.map((id) => ({ type: 'model', id, display_name: id.toUpperCase(), created_at: '2026-01-01T00:00:00Z' })),
    has_more: hasMore,
    first_id: ids[0] ?? null,
    last_id: ids[ids.length - 1] ?? null,
  });
}
