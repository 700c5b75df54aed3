/**
 * Accumulates a streamed answer (text, tool-call fragments, usage, ids, timing) and snapshots it
 * as a plain {@link ChatResponse} at any point: at the end, or as the partial output of a dropped
 * or aborted stream. Both adapters feed it; only the wire parsing differs.
 */
import { nestsDeeperThan, parseCallArguments, tooDeepArguments } from '../kernel';
import type { ChatOptions, ChatRequest, ChatResponse, FinishReason, ProviderKind, ToolCall, Usage } from './types';

interface PendingCall {
  id: string;
  name: string;
  argumentsJson: string;
  /** Arguments the wire delivered already parsed and nested too deep to copy as JSON text. */
  tooDeep?: true;
}

/**
 * A tool call from its accumulated arguments, parsed by the kernel's rule for a model's call
 * arguments (kernel parseCallArguments: JSON, an object, within the document's nesting and size
 * limits). A malformed call is a typed result the caller sends back to the model, never a throw.
 */
export function assembleToolCall(id: string, name: string, argumentsJson: string): ToolCall {
  const parsed = parseCallArguments(argumentsJson);
  if (parsed.ok) return { id, name, argumentsJson, ok: true, args: parsed.args };
  // Only the limit codes are written: a malformed call without one is invalid JSON (as recorded before the limits).
  return { id, name, argumentsJson: parsed.argumentsJson, ok: false, error: parsed.error, ...(parsed.code !== 'invalid-json' ? { code: parsed.code } : {}) };
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

  /**
   * Completes a call whose arguments the wire delivered as an object (Anthropic's tool_use
   * `input` when no JSON fragments follow). Too deep to copy as text (JSON.stringify recurses),
   * it is recorded as a too-deep call without its text.
   */
  addToolCallInput(wireIndex: number, input: unknown): void {
    if (!nestsDeeperThan(input)) return this.addToolCall(wireIndex, undefined, undefined, JSON.stringify(input));
    this.addToolCall(wireIndex, undefined, undefined, '');
    this.calls[this.slotOf.get(wireIndex)!]!.tooDeep = true;
  }

  hasCall(wireIndex: number): boolean {
    return this.slotOf.has(wireIndex);
  }

  /** The answer so far, as plain data. */
  snapshot(finishReason: FinishReason): ChatResponse {
    const end = this.now();
    const toolCalls = this.calls.map((c, i): ToolCall => {
      const id = c.id || `call_${i}`;
      if (!c.tooDeep) return assembleToolCall(id, c.name, c.argumentsJson);
      const r = tooDeepArguments('(an input object too deep to copy)');
      return { id, name: c.name, argumentsJson: r.argumentsJson, ok: false, error: r.error, code: 'too-deep' };
    });
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
