/**
 * Accumulates a streamed answer (text, tool-call fragments, usage, ids, timing) and snapshots it
 * as a plain {@link ChatResponse} at any point: at the end, or as the partial output of a dropped
 * or aborted stream. Both adapters feed it; only the wire parsing differs.
 */
import type { ChatOptions, ChatRequest, ChatResponse, FinishReason, ProviderKind, ToolCall, Usage } from './types';

interface PendingCall {
  id: string;
  name: string;
  argumentsJson: string;
}

/**
 * Parses a tool call's accumulated arguments. Malformed JSON, or JSON that is not an object, is
 * a typed result the caller can send back to the model, never a throw. Empty text means `{}`
 * (a call without arguments streams none).
 */
export function assembleToolCall(id: string, name: string, argumentsJson: string): ToolCall {
  const text = argumentsJson.trim() === '' ? '{}' : argumentsJson;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { id, name, argumentsJson, ok: false, error: `arguments are not valid JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { id, name, argumentsJson, ok: false, error: `arguments must be a JSON object, got ${Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : typeof parsed}` };
  }
  return { id, name, argumentsJson, ok: true, args: parsed as Record<string, unknown> };
}

export class ResponseRecorder {
  model: string | null = null;
  responseId: string | null = null;
  requestId: string | null = null;
  systemFingerprint: string | null = null;
  rawFinishReason: string | null = null;
  usage: Usage | null = null;
  events = 0;
  private text = '';
  /** In the order they opened. */
  private readonly calls: PendingCall[] = [];
  /** The wire's index of each open call → its place in `calls`. */
  private readonly slotOf = new Map<number, number>();
  private readonly startedAt: number;
  private headersAt: number | null = null;
  private firstTokenAt: number | null = null;

  constructor(
    private readonly wire: ProviderKind,
    private readonly endpoint: string,
    private readonly req: ChatRequest,
    private readonly sent: { seed: number | null; maxTokens: number | null; prefix: string },
    private readonly now: () => number,
    private readonly onDelta: ChatOptions['onDelta'],
  ) {
    this.startedAt = now();
  }

  headers(): void {
    this.headersAt ??= this.now();
  }

  addText(text: string): void {
    if (!text) return;
    this.firstTokenAt ??= this.now();
    this.text += text;
    this.onDelta?.({ kind: 'text', text });
  }

  /**
   * Opens or continues a tool call. `wireIndex` is the wire's own key (OpenAI
   * `tool_calls[].index`, Anthropic's content block index); calls are numbered in the order they
   * open. A fragment naming a different id at an index already taken opens a new call: Ollama
   * streams every parallel call at index 0 (ollama/ollama#15457). The first id and name win.
   */
  addToolCall(wireIndex: number, id: string | undefined, name: string | undefined, argumentsDelta: string): void {
    let slot = this.slotOf.get(wireIndex);
    const open = slot === undefined ? undefined : this.calls[slot];
    if (slot === undefined || (id && open?.id && open.id !== id)) {
      slot = this.calls.length;
      this.slotOf.set(wireIndex, slot);
      this.calls.push({ id: '', name: '', argumentsJson: '' });
    }
    const call = this.calls[slot]!;
    if (id && !call.id) call.id = id;
    if (name && !call.name) call.name = name;
    call.argumentsJson += argumentsDelta;
    if (argumentsDelta || id || name) this.firstTokenAt ??= this.now();
    this.onDelta?.({ kind: 'tool-call', index: slot, id: call.id, name: call.name, argumentsDelta });
  }

  hasCall(wireIndex: number): boolean {
    return this.slotOf.has(wireIndex);
  }

  /** The answer so far, as plain data. */
  snapshot(finishReason: FinishReason): ChatResponse {
    const end = this.now();
    const toolCalls = this.calls.map((c, i) => assembleToolCall(c.id || `call_${i}`, c.name, c.argumentsJson));
    return {
      wire: this.wire,
      endpoint: this.endpoint,
      requested: {
        model: this.req.model,
        temperature: this.req.temperature ?? null,
        seed: this.sent.seed,
        maxTokens: this.sent.maxTokens,
      },
      model: this.model,
      responseId: this.responseId,
      requestId: this.requestId,
      systemFingerprint: this.systemFingerprint,
      prefix: this.sent.prefix,
      text: this.text,
      toolCalls,
      finishReason,
      rawFinishReason: this.rawFinishReason,
      usage: this.usage ? { ...this.usage } : null,
      timing: {
        startedAt: this.startedAt,
        headersMs: this.headersAt === null ? null : this.headersAt - this.startedAt,
        firstTokenMs: this.firstTokenAt === null ? null : this.firstTokenAt - this.startedAt,
        totalMs: end - this.startedAt,
      },
      events: this.events,
    };
  }
}
