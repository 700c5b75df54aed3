/**
 * The Cpu port: a model provider. The kernel hands it the context window and the tools the
 * agent may call; it answers with one Action. The sim provider implements it offline and
 * deterministically; networked providers live outside the kernel (src/providers).
 */
import type { ContextEntry, Segment } from '../memory/segment';
import type { AgentSpec, ModelSpec, SimStep } from '../spec';
import type { CallError, FunctionDef } from './calls';

/** What a model decided to do in one turn. Plain data: it is recorded in the trace. */
export type Action =
  | { kind: 'think' }
  /**
   * `uses`: the variables (`last` for {{last}}) its arguments were rendered from — taint joins
   * their labels; `injectedFrom`: the segment whose injected instruction it follows (sim).
   */
  | { kind: 'call'; tool: string; args: Record<string, unknown>; as?: string; uses?: string[]; injectedFrom?: string }
  /** `task`: the state a reply puts the task it answers in (A2A). */
  | { kind: 'send'; to: string; text: string; facts: string[]; uses?: string[]; task?: 'completed' | 'input-required' | 'failed' | 'rejected' }
  | { kind: 'recv'; from?: string; as?: string }
  | { kind: 'write'; artifact: string; text: string; uses?: string[] }
  | { kind: 'read'; ref: string; as?: string }
  | { kind: 'finish'; text: string };

// A line of the context window is memory's type; the CPU reads it (re-exported for its users).
export type { ContextEntry } from '../memory/segment';

export interface InferRequest {
  agent: AgentSpec;
  model: ModelSpec;
  /** The agent's turn number (0-based); with the run seed it keys the sim's randomness. */
  turn: number;
  /** Index of the next step of the agent's behaviour script (sim). */
  pc: number;
  seed: number;
  /** The window as typed segments (provenance and validity included). */
  context: readonly Segment[];
  /** Named observations the script may refer to as {{var.NAME}}; {{last}} is `last`. */
  vars: Readonly<Record<string, string>>;
  last: string;
  tools: readonly string[];
  /** Segments whose injected instruction the agent already followed (sim follows each once). */
  followed?: readonly string[];
  /** The agent's system prompt (a real model's `system`; the sim follows its script instead). */
  system: string;
  /**
   * The functions a real model is offered: the tools it may use, with their JSON Schemas, and the
   * kernel operations (cpu/functions.ts). Built on first read; the sim never reads it.
   */
  readonly functions: readonly FunctionDef[];
  /** The tokenizer's estimate of the window (what budgets and admission used beforehand). */
  estimatedTokensIn: number;
  /** Which call of this turn it is: 0 first, n after n failed ones (a replay answers each from the record). */
  attempt?: number;
}

/**
 * What a real model answered, recorded on `infer.completed` so the trace hash covers it and a
 * replay (RecordedCpu) never asks again. Plain JSON; never holds a key.
 */
export interface InferRecord {
  /** The provider of the model (`openai`, `openai-compatible`, `anthropic`). */
  provider: string;
  /** Token counts the provider reported (null: it reported none, the estimate was charged). */
  reported: { tokensIn: number; tokensOut: number } | null;
  /** The tokenizer's estimate: the window before the call, the answer's text after it. */
  estimate: { tokensIn: number; tokensOut: number };
  /** The provider's answer as it came: text, tool calls, usage, finish reason, model id, timing (providers' ChatResponse). */
  response: Readonly<Record<string, unknown>>;
}

export interface InferResult {
  action: Action;
  /** What the model said, as text (shown in the log, appended to its context). */
  text: string;
  tokensOut: number;
  /** Virtual milliseconds the inference took. */
  latencyMs: number;
  /** Where the script counter goes next (sim); real providers leave it unchanged. */
  nextPc: number;
  /** Input tokens the provider reported; charged instead of the estimate. The sim leaves it unset. */
  tokensIn?: number;
  /** A real model's answer as recorded (absent for the sim). */
  record?: InferRecord;
  /** The model's call could not become an action: the action is `think` and the error goes back to the model. */
  callError?: CallError;
}

export interface Cpu {
  readonly provider: string;
  /** The quality tier the next step needs, when the agent declares one (routing asks before queueing). */
  precision?(req: InferRequest): number | undefined;
  /** Called by the kernel when an agent starts a turn on a slot. May await (network). */
  infer(req: InferRequest): InferResult | Promise<InferResult>;
}

export type { SimStep };
