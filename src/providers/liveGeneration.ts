/**
 * One streamed request of a real model as the kernel's Generation: the provider's deltas are
 * counted as they arrive (the tokenizer's estimate), `beyond(n)` resolves once more than n output
 * tokens are out or the stream ended, and `abort` stops the stream keeping what it produced.
 *
 * Determinism: the kernel decides slices from these answers, and a replay answers from the
 * record. Slices count output by the tokenizer (the only count there is while tokens stream; the
 * provider reports usage at the end, and that is what the kernel charges). Once `beyond(n)` said
 * "goes on", the final `tokensOut` is at least n + 1 (the floor; a prefix of a text can count a
 * token more than the whole), so the replay's rule — the turn completes in a slice iff
 * tokensOut <= its end — decides what the live run decided.
 */
import { countTokens, encodingFor, streamedTokens, type Encoding, type Generation, type InferRequest, type InferResult, type PartialOutput } from '../kernel';
import { ProviderError } from './errors';
import type { ChatResponse, StreamDelta } from './types';

/** One streamed piece of a live call, for the studio's live view (never called in a replay: nothing streams there). */
export interface ModelDelta {
  agent: string;
  turn: number;
  /** The document's model id. */
  model: string;
  /** The newly arrived text, or a fragment of a tool call's arguments. */
  text: string;
  /** Output tokens of this generation so far: the tokenizer's estimate (the provider reports usage only at the end). */
  tokens: number;
}

/** Sends the request (paced) and streams it: one Provider.chat call. */
export type StreamCall = (signal: AbortSignal, onDelta: (d: StreamDelta) => void) => Promise<ChatResponse>;

/** What the generation needs from ModelCpu: the answer's mapping and its error wrapping. */
export interface LiveGenerationDeps {
  toResult(response: ChatResponse): InferResult;
  toError(err: unknown): unknown;
  onDelta?: (d: ModelDelta) => void;
}

type Check = { ok: true; value: InferResult | null } | { ok: false; error: unknown } | undefined;

export class LiveGeneration implements Generation {
  private readonly controller = new AbortController();
  private readonly settled: Promise<void>;
  private readonly enc: Encoding;
  private response: ChatResponse | null = null;
  private failure: unknown = null;
  private finished = false;
  /** The new text, the call arguments' fragments, and the sum of their pieces' token counts (cheap, a little high). */
  private text = '';
  private args = '';
  private pieces = 0;
  /** The final tokensOut is at least this (see the file's comment). */
  private floor = 0;
  private answer: InferResult | null = null;
  private waiters: { n: number; resolve: (r: InferResult | null) => void; reject: (e: unknown) => void }[] = [];

  constructor(
    private readonly req: InferRequest,
    send: StreamCall,
    readonly resumedBy: Generation['resumedBy'],
    private readonly deps: LiveGenerationDeps,
  ) {
    this.enc = encodingFor(req.model);
    let call: Promise<ChatResponse>;
    try {
      call = send(this.controller.signal, (d) => this.delta(d));
    } catch (err) {
      call = Promise.reject(err);
    }
    // Never rejects: a failure is kept and surfaces where the kernel waits (no unhandled rejection between slices).
    this.settled = call.then((r) => { this.response = r; }, (err: unknown) => { this.failure = err; }).then(() => {
      this.finished = true;
      this.wake();
    });
  }

  beyond(n: number): InferResult | null | Promise<InferResult | null> {
    const c = this.check(n);
    if (c) {
      if (c.ok) return c.value;
      throw c.error;
    }
    return new Promise((resolve, reject) => this.waiters.push({ n, resolve, reject }));
  }

  result(): InferResult | Promise<InferResult> {
    return this.finished ? this.final() : this.settled.then(() => this.final());
  }

  abort(): Promise<PartialOutput> {
    this.controller.abort();
    return this.settled.then(() => {
      // A stream that failed before the abort still produced something: its partial is as good.
      const r = this.response ?? (this.failure instanceof ProviderError ? this.failure.failure.partial : null);
      if (!r) throw this.deps.toError(this.failure);
      return {
        text: r.prefix + r.text,
        calls: r.toolCalls.map((c) => ({ name: c.name, argumentsJson: c.argumentsJson })),
        tokensOut: this.counted(),
        response: JSON.parse(JSON.stringify(r)) as Record<string, unknown>,
      };
    });
  }

  private delta(d: StreamDelta): void {
    const piece = d.kind === 'text' ? d.text : d.argumentsDelta;
    if (piece === '') return;
    // Text, then arguments: the order a recorded answer is counted in (streamedTokens).
    if (d.kind === 'text') this.text += piece;
    else this.args += piece;
    // Per piece, not the whole text again: a long answer would be re-tokenized quadratically.
    this.pieces += countTokens(piece, this.enc);
    this.deps.onDelta?.({ agent: this.req.agent.id, turn: this.req.turn, model: this.req.model.id, text: piece, tokens: this.pieces });
    this.wake();
  }

  /** Whether `beyond(n)` can answer now. */
  private check(n: number): Check {
    if (this.finished) {
      // A stream that failed still produced its partial: the failure shows only past it (as a replay shows it).
      if (!this.response && this.failure instanceof ProviderError && n < streamedTokens(this.failure.failure.partial, this.enc)) {
        this.floor = Math.max(this.floor, n + 1);
        return { ok: true, value: null };
      }
      try {
        return { ok: true, value: this.final() };
      } catch (error) {
        return { ok: false, error };
      }
    }
    // The cheap sum runs a little high: the whole text is counted only once it passes n.
    if (this.pieces > n && countTokens(this.text + this.args, this.enc) > n) {
      this.floor = Math.max(this.floor, n + 1);
      return { ok: true, value: null };
    }
    return undefined;
  }

  private wake(): void {
    if (this.waiters.length === 0) return;
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) {
      const c = this.check(w.n);
      if (!c) this.waiters.push(w);
      else if (c.ok) w.resolve(c.value);
      else w.reject(c.error);
    }
  }

  private final(): InferResult {
    if (this.answer) return this.answer;
    if (!this.response) throw this.deps.toError(this.failure);
    // The slices' count (what the kernel cuts by), not the provider's: the reported usage is in the record and charged at completion.
    this.answer = { ...this.deps.toResult(this.response), tokensOut: this.counted() };
    return this.answer;
  }

  /** Output tokens as the slices count them: the tokenizer's count of what streamed, at least the floor (and 1). */
  private counted(): number {
    return Math.max(1, countTokens(this.text + this.args, this.enc), this.floor);
  }
}
