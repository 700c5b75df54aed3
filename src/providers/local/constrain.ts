/**
 * Function calls from a local model by constrained output. A GGUF's own tool-call format depends
 * on its chat template, and a small or random model does not emit one reliably; instead the
 * model's output is constrained (llama.cpp turns a JSON Schema into a grammar) to exactly one
 * JSON object:
 *
 *   {"call": "<function name>", "arguments": { ...that function's JSON Schema... }}
 *   {"text": "<a plain answer>"}                       (only when a call is not required)
 *
 * The functions are also described in the system prompt, so a real model knows what they do.
 * {@link ConstrainedStream} reads that object as it streams: the text branch arrives as text
 * deltas, the call branch as tool-call deltas (the arguments' JSON, fragment by fragment), so
 * the record has the same shape as a networked model's.
 */
import type { ChatRequest, ToolDefinition } from '../types';

/** The JSON Schema the output must match, or null when the answer is free text (no functions offered, or `toolChoice: 'none'`). */
export function outputSchema(tools: readonly ToolDefinition[] | undefined, toolChoice: ChatRequest['toolChoice']): Record<string, unknown> | null {
  if (!tools || tools.length === 0 || toolChoice === 'none') return null;
  const branches: Record<string, unknown>[] = tools.map((t) => ({
    type: 'object',
    properties: { call: { const: t.name }, arguments: isObjectSchema(t.parameters) ? t.parameters : { type: 'object' } },
    required: ['call', 'arguments'],
    additionalProperties: false,
  }));
  if (toolChoice !== 'required') {
    branches.push({ type: 'object', properties: { text: { type: 'string' } }, required: ['text'], additionalProperties: false });
  }
  return branches.length === 1 ? branches[0]! : { oneOf: branches };
}

function isObjectSchema(s: unknown): s is Record<string, unknown> {
  return s !== null && typeof s === 'object' && !Array.isArray(s) && Object.keys(s).length > 0;
}

/** What the system prompt says about the functions (appended after the agent's own prompt). */
export function functionsPrompt(tools: readonly ToolDefinition[] | undefined, toolChoice: ChatRequest['toolChoice']): string {
  if (!tools || tools.length === 0 || toolChoice === 'none') return '';
  const list = tools.map((t) => `- ${t.name}: ${t.description}\n  arguments (JSON Schema): ${JSON.stringify(t.parameters)}`).join('\n');
  const how =
    toolChoice === 'required'
      ? 'Answer with exactly one JSON object that calls one of them: {"call": "<name>", "arguments": {...}}.'
      : 'Answer with exactly one JSON object: {"call": "<name>", "arguments": {...}} to call one of them, or {"text": "<your answer>"} to answer in words.';
  return `You can call these functions:\n${list}\n${how}`;
}

export type ConstrainedResult =
  | { kind: 'call'; name: string; argumentsJson: string }
  | { kind: 'text'; text: string }
  /** The output stopped before the object was whole (a token limit, an abort) or is not one of the shapes. */
  | { kind: 'incomplete'; raw: string };

export interface ConstrainedSink {
  text(delta: string): void;
  call(name: string, argumentsDelta: string): void;
}

const CALL_HEAD = /^\s*\{\s*"call"\s*:\s*"((?:[^"\\]|\\.)*)"\s*,\s*"arguments"\s*:\s*/;
const TEXT_HEAD = /^\s*\{\s*"text"\s*:\s*"/;

/**
 * Reads the constrained object as it streams. `push` takes raw model text; the sink receives
 * decoded text (text branch) or argument fragments (call branch) as soon as they are certain.
 */
export class ConstrainedStream {
  private raw = '';
  private branch: { kind: 'call'; name: string; start: number } | { kind: 'text'; start: number } | null = null;
  /** How far the raw text has been scanned and emitted. */
  private pos = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private done = false;
  private decoded = '';

  constructor(private readonly sink: ConstrainedSink) {}

  push(chunk: string): void {
    this.raw += chunk;
    if (!this.branch) {
      const call = CALL_HEAD.exec(this.raw);
      if (call) {
        let name: string;
        try {
          name = JSON.parse(`"${call[1]}"`) as string;
        } catch {
          name = call[1]!;
        }
        this.branch = { kind: 'call', name, start: call[0].length };
        this.pos = call[0].length;
        this.sink.call(name, '');
      } else {
        const text = TEXT_HEAD.exec(this.raw);
        if (!text) return;
        this.branch = { kind: 'text', start: text[0].length };
        this.pos = text[0].length;
      }
    }
    if (this.branch.kind === 'call') this.scanArguments();
    else this.scanText();
  }

  /** The arguments value is scanned for its end: the depth back to 0 outside a string. */
  private scanArguments(): void {
    if (this.done || this.branch?.kind !== 'call') return;
    let i = this.pos;
    // Whitespace before the value is the wrapper's, not the arguments'.
    if (this.depth === 0) {
      while (i < this.raw.length && /\s/.test(this.raw[i]!)) i++;
      this.pos = i;
      this.branch.start = i;
    }
    const from = i;
    for (; i < this.raw.length; i++) {
      const c = this.raw[i]!;
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === '\\') this.escaped = true;
        else if (c === '"') this.inString = false;
        continue;
      }
      if (c === '"') this.inString = true;
      else if (c === '{' || c === '[') this.depth++;
      else if (c === '}' || c === ']') {
        this.depth--;
        if (this.depth === 0) {
          i++;
          this.done = true;
          break;
        }
      }
    }
    this.pos = i;
    const delta = this.raw.slice(from, i);
    if (delta) this.sink.call(this.branch.name, delta);
  }

  /** The text value is decoded as a JSON string; an escape is emitted only once whole. */
  private scanText(): void {
    if (this.done) return;
    let out = '';
    let i = this.pos;
    while (i < this.raw.length) {
      const c = this.raw[i]!;
      if (c === '"') {
        this.done = true;
        i++;
        break;
      }
      if (c !== '\\') {
        out += c;
        i++;
        continue;
      }
      const e = this.raw[i + 1];
      if (e === undefined) break;
      if (e === 'u') {
        const hex = this.raw.slice(i + 2, i + 6);
        if (hex.length < 4) break;
        out += String.fromCharCode(parseInt(hex, 16));
        i += 6;
        continue;
      }
      out += ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' } as Record<string, string>)[e] ?? e;
      i += 2;
    }
    this.pos = i;
    if (out) {
      this.decoded += out;
      this.sink.text(out);
    }
  }

  /** What the whole output was. */
  result(): ConstrainedResult {
    let parsed: unknown;
    try {
      parsed = JSON.parse(this.raw);
    } catch {
      return { kind: 'incomplete', raw: this.raw };
    }
    if (this.branch?.kind === 'call' && this.done) {
      return { kind: 'call', name: this.branch.name, argumentsJson: this.raw.slice(this.branch.start, this.pos) };
    }
    if (parsed !== null && typeof parsed === 'object' && typeof (parsed as { text?: unknown }).text === 'string') {
      return { kind: 'text', text: (parsed as { text: string }).text };
    }
    return { kind: 'incomplete', raw: this.raw };
  }

  /** True once the output opened one of the two shapes (its deltas have started). */
  get began(): boolean {
    return this.branch !== null;
  }

  /** Everything the model wrote, as written. */
  get rawText(): string {
    return this.raw;
  }

  /** The text branch's decoded content so far. */
  get text(): string {
    return this.decoded;
  }
}
