/**
 * The provider interface: what a networked model looks like to the rest of the studio.
 *
 * Everything a call returns is plain data (structured-clone safe) so that it can cross the
 * worker boundary and be recorded in the trace as is; replay reads the record instead of calling
 * the model again. The API key lives only in the adapter's closure: no record, error or log line
 * carries it.
 */

/** The two wire formats. `openai` covers OpenAI, Ollama, vLLM, llama.cpp's server, LM Studio and OpenRouter. */
export type WireFormat = 'openai' | 'anthropic';

/** What produced an answer: a wire format, or `local` (a GGUF run in-process by llama.cpp through wllama). */
export type ProviderKind = WireFormat | 'local';

/** Where a provider lives. The key is kept by the adapter and never copied into what it returns. */
export interface EndpointConfig {
  wire: WireFormat;
  /**
   * For `openai`: the API root that holds `/chat/completions` (`https://api.openai.com/v1`,
   * `http://127.0.0.1:11434/v1`); a bare origin gets `/v1` appended. For `anthropic`: the origin
   * (`https://api.anthropic.com`); `/v1/messages` is appended.
   */
  baseUrl: string;
  apiKey?: string;
  /** Anthropic's API version header; default `2023-06-01`. */
  anthropicVersion?: string;
  /**
   * The request field for the output limit on the OpenAI wire: `max_tokens` (default, what Ollama,
   * vLLM, llama.cpp and LM Studio read) or `max_completion_tokens` (OpenAI's reasoning models).
   */
  maxTokensField?: 'max_tokens' | 'max_completion_tokens';
}

/** A function the model may call: a declared tool or a kernel operation, with its JSON Schema. */
export interface ToolDefinition {
  name: string;
  description: string;
  /** A JSON Schema for the arguments object. */
  parameters: Record<string, unknown>;
}

/** A call the model made earlier in the conversation, sent back so it sees its own history. */
export interface PriorToolCall {
  id: string;
  name: string;
  args: Record<string, unknown>;
}

/** `cacheBreak`: the prompt's cached prefix ends with this message (see {@link ChatRequest.cacheBreaks}). */
export type ChatMessage =
  | { role: 'user'; text: string; cacheBreak?: true }
  | { role: 'assistant'; text: string; toolCalls?: readonly PriorToolCall[]; cacheBreak?: true }
  /** The result of a tool call, answering the call with id `toolCallId`. */
  | { role: 'tool'; toolCallId: string; text: string; isError?: boolean; cacheBreak?: true };

export interface ChatRequest {
  /** The provider's own model name. */
  model: string;
  system: string;
  messages: readonly ChatMessage[];
  tools?: readonly ToolDefinition[];
  /** `required`: the model must call some function (OpenAI `required`, Anthropic `any`). */
  toolChoice?: 'auto' | 'required' | 'none';
  temperature?: number;
  /** Sent where the API has it (OpenAI-style); recorded as not sent otherwise. */
  seed?: number;
  /** Output limit. Anthropic requires one: 1024 when unset. */
  maxTokens?: number;
  /**
   * Text the answer must continue (a preempted generation resuming). Sent as a trailing assistant
   * message where the API continues it (Anthropic); adapters without that ability refuse it
   * (see {@link ProviderCapabilities.assistantPrefix}).
   */
  assistantPrefix?: string;
  /**
   * Prompt-cache breakpoints for an API that caches only where the request says (Anthropic's
   * `cache_control`): after the tool definitions, after the system prompt, and after each message
   * with `cacheBreak`. Unset: no markers (an API that caches on its own ignores it).
   */
  cacheBreaks?: { tools: boolean; system: boolean };
}

/** One streamed piece, as it arrives. */
export type StreamDelta =
  | { kind: 'text'; text: string }
  /** A fragment of a tool call's arguments (JSON text); `index` numbers parallel calls in the order they opened. */
  | { kind: 'tool-call'; index: number; id: string; name: string; argumentsDelta: string };

/** A tool call assembled from its streamed fragments. A call whose arguments do not parse is kept, typed. */
export type ToolCall =
  | { id: string; name: string; argumentsJson: string; ok: true; args: Record<string, unknown> }
  /** Malformed: the model's text is kept so it can be shown and sent back to the model as an error. */
  | { id: string; name: string; argumentsJson: string; ok: false; error: string; code?: 'too-deep' | 'too-large' };

export type FinishReason = 'stop' | 'length' | 'tool-calls' | 'content-filter' | 'aborted' | 'other';

/** Token counts as the provider reported them. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** Prompt tokens served from the provider's cache (OpenAI cached_tokens, Anthropic cache reads). */
  cachedInputTokens?: number;
  /** Anthropic: tokens written to the cache (billed at a premium). */
  cacheWriteTokens?: number;
}

/** Milliseconds, measured by the caller's clock from just before the request left. */
export interface Timing {
  /** Wall-clock time the request started (ms since the epoch). */
  startedAt: number;
  /** Until the response headers arrived. */
  headersMs: number | null;
  /** Until the first text or tool-call fragment. */
  firstTokenMs: number | null;
  totalMs: number;
}

/** Everything a call produced: recorded in the trace so a replay never calls the model again. */
export interface ChatResponse {
  wire: ProviderKind;
  /** The endpoint, without credentials or query string. */
  endpoint: string;
  /** What was asked for; `seed` is null when not sent (the API has none, or none was given). */
  requested: { model: string; temperature: number | null; seed: number | null; maxTokens: number | null };
  /** The model id the provider reported (its version), or null if it reported none. */
  model: string | null;
  /** The provider's id of this response (`chatcmpl-…`, `msg_…`). */
  responseId: string | null;
  /** The provider's request id header, for support tickets. */
  requestId: string | null;
  /** OpenAI's backend configuration fingerprint, when sent. */
  systemFingerprint: string | null;
  /** The text the continuation started from, as sent (empty unless {@link ChatRequest.assistantPrefix}); the full answer is prefix + text. */
  prefix: string;
  /** The newly generated text (without the prefix). */
  text: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  /** The provider's own word for why it stopped (`stop`, `tool_calls`, `end_turn`, …). */
  rawFinishReason: string | null;
  usage: Usage | null;
  timing: Timing;
  /** Server-sent events read (a measure of how the response was cut up). */
  events: number;
}

export interface ModelInfo {
  id: string;
  displayName?: string;
  /** Creation time, ms since the epoch, when the API says. */
  created?: number;
  ownedBy?: string;
}

export interface ProviderCapabilities {
  /** The request's `seed` reaches the model. */
  seed: boolean;
  /** The API continues a trailing assistant message (resume after preemption). */
  assistantPrefix: boolean;
}

export interface ChatOptions {
  /** Aborting keeps the partial output: the response comes back with finishReason `aborted`. */
  signal?: AbortSignal;
  onDelta?: (delta: StreamDelta) => void;
}

/** One adapter per wire format; `chat` throws only {@link ProviderError} (see errors.ts). */
export interface Provider {
  readonly wire: ProviderKind;
  /** The endpoint, without credentials or query string: safe to show. */
  readonly endpoint: string;
  readonly capabilities: ProviderCapabilities;
  chat(req: ChatRequest, opts?: ChatOptions): Promise<ChatResponse>;
  listModels(opts?: { signal?: AbortSignal }): Promise<ModelInfo[]>;
}

/** What an adapter needs from its surroundings; tests inject each. */
export interface ProviderDeps {
  fetch?: typeof fetch;
  /** Milliseconds; `Date.now` by default. */
  now?: () => number;
  /**
   * `browser` names CORS and Ollama's origin check in errors and sends Anthropic's
   * direct-browser-access header; detected from the global scope when unset.
   */
  environment?: 'browser' | 'node';
}
