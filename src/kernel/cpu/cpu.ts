/**
 * The Cpu port: a model provider. The kernel hands it the context window and the tools the
 * agent may call; it answers with one Action. The sim provider implements it offline and
 * deterministically; networked providers live outside the kernel (src/providers).
 */
import type { ContextEntry, Segment } from '../memory/segment';
import type { AgentSpec, ModelSpec, SimStep } from '../spec';

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
}

export interface Cpu {
  readonly provider: string;
  /** The quality tier the next step needs, when the agent declares one (routing asks before queueing). */
  precision?(req: InferRequest): number | undefined;
  /** Called by the kernel when an agent starts a turn on a slot. May await (network). */
  infer(req: InferRequest): InferResult | Promise<InferResult>;
}

export type { SimStep };
