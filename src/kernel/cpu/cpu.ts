/**
 * The Cpu port: a model provider. The kernel hands it the context window and the tools the
 * agent may call; it answers with one Action. The sim provider implements it offline and
 * deterministically; networked providers live outside the kernel (src/providers).
 */
import type { ContextEntry, Segment } from '../memory/segment';
import type { AgentSpec, ContextRotSpec, ModelSpec, SimStep } from '../spec';
import type { CallError, FunctionDef } from './calls';
import { countTokens, type Encoding } from '../tokens';

/** What a model decided to do in one turn. Plain data: it is recorded in the trace. */
export type Action =
  | { kind: 'think' }
  /**
   * `uses`: the variables (`last` for {{last}}) its arguments were rendered from — taint joins
   * their labels; `injectedFrom`: the segment whose injected instruction it follows (sim).
   */
  | { kind: 'call'; tool: string; args: Record<string, unknown>; as?: string; uses?: string[]; injectedFrom?: string }
  /** `task`: the state a reply puts the task it answers in (A2A). */
  | { kind: 'send'; to: string; text: string; facts: string[]; uses?: string[]; task?: 'completed' | 'input-required' | 'failed' | 'rejected'; injectedFrom?: string }
  | { kind: 'recv'; from?: string; as?: string }
  | { kind: 'write'; artifact: string; text: string; uses?: string[] }
  | { kind: 'read'; ref: string; as?: string }
  | { kind: 'finish'; text: string }
  /** Spawn a sub-agent from `template` (kernel/loop/spawn.ts): what it asks for, each checked against the spawner's own. */
  | { kind: 'spawn'; template: string; task: string; tokens?: number; cost?: number; sched?: Record<string, string | number>; caps?: SpawnCap[]; detach?: boolean };

/** A capability a spawner asks for its sub-agent: never more than a handle it holds on the target. */
export interface SpawnCap {
  target: string;
  access: 'use' | 'read' | 'write' | 'readwrite';
  handle?: 'borrowed' | 'unique' | 'shared';
}

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
  /**
   * The kernel's prefix-cache model of this prompt (its model declares `prefixCache`; undefined
   * otherwise): the leading `context` segments warm before this request, and those cached once it
   * is read. A provider whose cache needs markers (Anthropic's `cache_control`) puts them there.
   */
  cachePrefix?: CachePrefix;
}

/** Where the kernel's prefix cache says a prompt's cached prefix ends, in window segments (InferRequest.cachePrefix). */
export interface CachePrefix {
  warmSegments: number;
  cachedSegments: number;
}

/**
 * What a real model answered, recorded on `infer.completed` so the trace hash covers it and a
 * replay (RecordedCpu) never asks again. Plain JSON; never holds a key.
 */
export interface InferRecord {
  /** The provider of the model (`openai`, `openai-compatible`, `anthropic`). */
  provider: string;
  /**
   * Token counts the provider reported (null: it reported none, the estimate was charged);
   * `cachedIn`: of the input, those it served from its prompt cache (absent when it reported none);
   * `cacheWrite`: those it wrote to its cache (Anthropic's `cache_creation_input_tokens`; absent when none).
   */
  reported: { tokensIn: number; tokensOut: number; cachedIn?: number; cacheWrite?: number } | null;
  /** The tokenizer's estimate: the window before the call, the answer's text after it. */
  estimate: { tokensIn: number; tokensOut: number };
  /** The provider's answer as it came: text, tool calls, usage, finish reason, model id, timing (providers' ChatResponse). */
  response: Readonly<Record<string, unknown>>;
}

/** What a rotted turn records (on InferResult.rot, then `mem.rotted`). */
export interface RotRecord {
  curve: ContextRotSpec['curve'];
  windowTokens: number;
  p: number;
  draw: number;
  action: 'write' | 'send' | 'finish';
  /** The segment whose text the answer took. */
  from: string;
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
  /** The sim's answer is a context-rot mistake (cpu/contextRot.ts): recorded as `mem.rotted` before the turn starts. */
  rot?: RotRecord;
}

/**
 * A streamed answer cut short when its agent lost the slot at a slice boundary (recorded on
 * `sched.preempted`, so a replay aborts the same generation with the same result). Plain JSON.
 */
export interface PartialAnswer extends PartialOutput {
  /** The agent's turn, and which request of it (0: the first; n: the one after the n-th preemption). */
  turn: number;
  part: number;
}

/** What an aborted generation produced (the kernel adds which turn and part it was). */
export interface PartialOutput {
  /** The answer so far, including the prefix this part continued (what a resume by prefix sends). */
  text: string;
  /** Tool calls whose fragments had arrived, arguments as the text so far. */
  calls: { name: string; argumentsJson: string }[];
  /** Output tokens of this part so far: reported, else estimated, and never fewer than the slices the kernel counted. */
  tokensOut: number;
  /** The provider's record so far (finish reason `aborted`, usage when it reported any). */
  response: Readonly<Record<string, unknown>>;
}

/** How a preempted generation continues: the part about to start and what the last one left. */
export interface Resume {
  part: number;
  partial: PartialAnswer;
}

/**
 * A generation in flight (a real model's streamed answer). The kernel decides every slice from
 * token counts only, never from when tokens arrived, so a replay decides the same:
 * `beyond(n)` waits until more than `n` output tokens are out (null: the generation goes on, and
 * its final `tokensOut` will then be at least n + 1) or until it finished (its result). A slice
 * of L tokens from `done` completes the turn iff the result came and `tokensOut <= done + L`.
 */
export interface Generation {
  /** How this part began after a preemption: continuing the partial text, or asking afresh; null for a turn's first part. */
  readonly resumedBy: 'prefix' | 'restart' | null;
  beyond(n: number): InferResult | null | Promise<InferResult | null>;
  /** The whole answer (waits for the end of the stream). */
  result(): InferResult | Promise<InferResult>;
  /** Stops the stream (the agent lost its slot) and gives what it produced. */
  abort(): PartialOutput | Promise<PartialOutput>;
}

// --- the judge port: a real model asked a goal's rubric question (term/judgement.ts, loop/judge.ts) ---

/** What the judge is asked: the rubric about one text, on the goal's model. */
export interface JudgeRequest {
  /** The document's model the predicate names (its provider picks the CPU, its `model` the provider's name). */
  model: ModelSpec;
  rubric: string;
  /** The text judged, and how it is named (`artifact "report"`, `writer's final answer`). */
  subject: string;
  subjectName: string;
  /** Which judge leaf and which version of its subject: a recording answers by these (RecordedCpu). */
  goal: string;
  path: string;
  version: number;
  /** The run's seed, sent where the API takes one. */
  seed: number;
}

/** A model's verdict: `unclear` when its answer said neither pass nor fail (the goal is then not met). */
export interface JudgeAnswer {
  verdict: 'pass' | 'fail' | 'unclear';
  /** The model's reason, one line. */
  reason: string;
  /** The model's whole answer. */
  answer: string;
  /** The answer as it came (provider, usage, the response without its text), as on `infer.completed`. */
  record: InferRecord;
}

// --- the summary port: a real model writes the summary at compaction (loop/compactSource.ts) ---

/** What a summariser is asked: the segments going out of an agent's window, oldest first. */
export interface SummaryRequest {
  /** The document's model named by the agent's `memory.summarizer`. */
  model: ModelSpec;
  agent: string;
  /** The id the summary segment will have: with `agent` it keys the recording (RecordedCpu). */
  summaryId: string;
  segments: readonly { id: string; kind: string; text: string }[];
  seed: number;
}

/** The summary a model wrote, and its record as `infer.completed` keeps one. */
export interface SummaryAnswer {
  text: string;
  record: InferRecord;
}

export interface Cpu {
  readonly provider: string;
  /** The quality tier the next step needs, when the agent declares one (routing asks before queueing). */
  precision?(req: InferRequest): number | undefined;
  /** Called by the kernel when an agent starts a turn on a slot. May await (network). */
  infer(req: InferRequest): InferResult | Promise<InferResult>;
  /**
   * A streaming CPU (a real model): starts the turn's generation, or the part after a preemption
   * (`resume`). When present the kernel uses it instead of `infer`, slices the stream as it
   * arrives, and aborts it when the agent loses its slot. The sim has none: its answers are known.
   */
  start?(req: InferRequest, resume?: Resume): Generation;
  /**
   * Asks the model a goal's rubric question about a text (JudgeRequest). Called by the kernel's judge
   * source when a judged subject changed; may await; a failed call throws a CpuFault. The sim has none.
   */
  judge?(req: JudgeRequest): Promise<JudgeAnswer> | JudgeAnswer;
  /** Asks the model for the summary of segments leaving a window (SummaryRequest); a failed call throws a CpuFault. The sim has none. */
  summarize?(req: SummaryRequest): Promise<SummaryAnswer> | SummaryAnswer;
}

/** A generation whose whole answer comes at once (a CPU with only `infer`, or an answer already recorded). */
export function settledGeneration(answer: InferResult | Promise<InferResult>, resumedBy: Generation['resumedBy']): Generation {
  // Aborted after it finished: the partial is the whole answer (a live stream that ended before its abort gives the same).
  const partial = (r: InferResult): PartialOutput => ({ text: r.text, calls: recordedCalls(r), tokensOut: r.tokensOut, response: r.record?.response ?? {} });
  return {
    resumedBy,
    beyond: () => answer,
    result: () => answer,
    abort: () => (answer instanceof Promise ? answer.then(partial) : partial(answer)),
  };
}

export type { SimStep };

/**
 * Output tokens of a recorded (partial) answer as the slices count them: its text and its calls'
 * arguments, by the tokenizer. A failed stream's partial says how far it went before the failure.
 */
export function streamedTokens(response: Readonly<{ text?: unknown; toolCalls?: unknown }> | null, encoding: Encoding): number {
  if (!response) return 0;
  const calls = Array.isArray(response.toolCalls) ? (response.toolCalls as { argumentsJson?: unknown }[]) : [];
  return countTokens(calls.reduce<string>((t, c) => t + String(c.argumentsJson ?? ''), String(response.text ?? '')), encoding);
}

function recordedCalls(r: InferResult): PartialOutput['calls'] {
  const calls = r.record?.response.toolCalls;
  if (!Array.isArray(calls)) return [];
  return calls.map((c: { name?: unknown; argumentsJson?: unknown }) => ({ name: String(c.name ?? ''), argumentsJson: String(c.argumentsJson ?? '') }));
}
