/**
 * The in-browser CPU: a GGUF run by llama.cpp compiled to WebAssembly (@wllama/wllama 3.8.1,
 * which itself runs the engine in a worker it spawns; WebGPU where the browser offers an
 * adapter, the CPU otherwise). It speaks the same `Provider` interface as the networked
 * adapters: the same request, the same recorded `ChatResponse`, deltas through the same
 * callback, abort keeping the partial answer, failures as `ProviderError`.
 *
 * - Function calls come from constrained output (see constrain.ts; the grammar is written by
 *   grammar.ts, as the engine's own JSON-Schema converter fails in this build), recorded as tool calls.
 * - Usage is counted by the model's own tokenizer (llama.cpp's prompt and predicted counts).
 * - A file is checked before the engine sees it (magic, version, header, tensors inside the
 *   file), and a load is confirmed by a one-token completion: wllama can resolve a load that
 *   left no usable model.
 */
import { Wllama, WllamaAbortError, type ChatCompletionChunk, type ChatCompletionMessage, type LoadModelParams } from '@wllama/wllama/esm/index.js';
import { ProviderError, failure, type ProviderErrorKind } from '../errors';
import { ResponseRecorder } from '../recorder';
import type { ChatMessage, ChatOptions, ChatRequest, ChatResponse, ModelInfo, Provider, Usage } from '../types';
import { ConstrainedStream, functionsPrompt, outputSchema } from './constrain';
import { schemaToGbnf } from './grammar';
import { GgufError, describeGguf, inspectGguf, type GgufSummary } from './gguf';

export type LoadPhase = 'checking' | 'loading' | 'verifying' | 'ready';

export interface LocalModelOptions {
  /** URL of wllama's `wllama.wasm` (the worker entry imports it with Vite's `?url`). */
  wasmUrl: string;
  /** Context size in tokens; 2048 by default (capped at what the model was trained for). */
  contextSize?: number;
  /** Engine threads; 1 by default (more needs cross-origin isolation, and was slower on 2 cores). */
  threads?: number;
  /** `auto` tries WebGPU and falls back to the CPU; `off` skips WebGPU. */
  gpu?: 'auto' | 'off';
  now?: () => number;
}

/** What a loaded model is, for a user and for the record. */
export interface LocalModelInfo {
  fileName: string;
  bytes: number;
  architecture: string;
  name: string | null;
  contextLength: number | null;
  contextSize: number;
  vocabSize: number | null;
  loadMs: number;
}

/** A Provider for one model file, loaded on first use or by `load`. */
export interface LocalProvider extends Provider {
  load(onPhase?: (phase: LoadPhase) => void): Promise<LocalModelInfo>;
  unload(): Promise<void>;
}

const ENGINE = 'llama.cpp b11364 (wllama 3.8.1)';

/** Log lines kept to explain a failed load: llama.cpp says why on its error log. */
function quietLogger(lines: string[]) {
  const keep = (...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
    if (lines.length > 20) lines.shift();
  };
  return { debug: () => {}, log: () => {}, warn: keep, error: keep };
}

/** Merges consecutive messages of one role: many chat templates insist that roles alternate. */
function toEngineMessages(system: string, messages: readonly ChatMessage[]): ChatCompletionMessage[] {
  const out: Array<{ role: 'system' | 'user' | 'assistant'; content: string }> = system ? [{ role: 'system', content: system }] : [];
  const push = (role: 'user' | 'assistant', content: string) => {
    const last = out[out.length - 1];
    if (last && last.role === role) last.content += `\n\n${content}`;
    else out.push({ role, content });
  };
  for (const m of messages) {
    if (m.role === 'user') push('user', m.text);
    else if (m.role === 'tool') push('user', `Result of call ${m.toolCallId}${m.isError ? ' (an error)' : ''}:\n${m.text}`);
    else {
      // Earlier calls go back in the shape the model answers in.
      const calls = (m.toolCalls ?? []).map((c) => JSON.stringify({ call: c.name, arguments: c.args }));
      push('assistant', [m.text, ...calls].filter(Boolean).join('\n'));
    }
  }
  return out;
}

function usageOf(chunk: ChatCompletionChunk): Usage | null {
  if (chunk.usage) {
    const cached = chunk.usage.prompt_tokens_details?.cached_tokens ?? 0;
    return { inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens, ...(cached > 0 ? { cachedInputTokens: cached } : {}) };
  }
  if (chunk.timings) {
    const t = chunk.timings;
    return { inputTokens: t.prompt_n + t.cache_n, outputTokens: t.predicted_n, ...(t.cache_n > 0 ? { cachedInputTokens: t.cache_n } : {}) };
  }
  return null;
}

/**
 * A provider for the model in `file` (a picked File, or one opened from the origin-private file
 * system). Nothing is loaded until `load` or the first `chat`.
 */
export function createWllamaProvider(file: Blob, fileName: string, options: LocalModelOptions): LocalProvider {
  const endpoint = `local:${fileName}`;
  const now = options.now ?? (() => Date.now());
  let engine: Wllama | null = null;
  let info: LocalModelInfo | null = null;
  let loading: Promise<LocalModelInfo> | null = null;
  let responses = 0;
  const log: string[] = [];

  const fail = (kind: ProviderErrorKind, message: string, fix: string, partial: ChatResponse | null = null) =>
    new ProviderError(failure(kind, endpoint, message, fix, { partial }));
  const engineSaid = () => {
    const line = [...log].reverse().find((l) => /error|failed|invalid/i.test(l));
    return line ? ` llama.cpp said: ${line.trim().slice(0, 300)}` : '';
  };

  async function doLoad(onPhase?: (phase: LoadPhase) => void): Promise<LocalModelInfo> {
    const started = now();
    onPhase?.('checking');
    let summary: GgufSummary;
    try {
      summary = await inspectGguf(file, fileName);
    } catch (err) {
      const message = err instanceof GgufError ? err.message : `${fileName} could not be read (${String(err)}).`;
      throw fail('model-file', message, 'Pick a .gguf model file (the llama.cpp format), for example one downloaded from a model hub.');
    }
    const about = describeGguf(summary);
    const contextSize = Math.min(options.contextSize ?? 2048, about.contextLength ?? Number.MAX_SAFE_INTEGER);
    onPhase?.('loading');
    log.length = 0;
    const w = new Wllama({ default: options.wasmUrl }, { suppressNativeLog: false, logger: quietLogger(log) as never });
    const params: LoadModelParams = { n_ctx: contextSize, n_threads: options.threads ?? 1, ...(options.gpu === 'off' ? { n_gpu_layers: 0 } : {}) };
    try {
      await w.loadModel([file], params);
      onPhase?.('verifying');
      // wllama can resolve a load that left no usable model: one token proves it runs.
      await w.createCompletion({ prompt: 'a', max_tokens: 1, temperature: 0 });
    } catch (err) {
      await w.exit().catch(() => {});
      const said = err instanceof Error ? err.message : String(err);
      throw fail(
        'model-file',
        `${fileName} (${about.architecture}) did not load in ${ENGINE}: ${said}.${engineSaid()}`,
        'The file may be damaged, or its architecture or quantisation newer than this engine; try another GGUF.',
      );
    }
    engine = w;
    info = { fileName, bytes: file.size, architecture: about.architecture, name: about.name, contextLength: about.contextLength, contextSize, vocabSize: about.vocabSize, loadMs: now() - started };
    onPhase?.('ready');
    return info;
  }

  function load(onPhase?: (phase: LoadPhase) => void): Promise<LocalModelInfo> {
    if (info) return Promise.resolve(info);
    loading ??= doLoad(onPhase).finally(() => {
      loading = null;
    });
    return loading;
  }

  async function chat(req: ChatRequest, opts: ChatOptions = {}): Promise<ChatResponse> {
    if (req.assistantPrefix) {
      throw fail('unsupported', 'The local engine does not continue an assistant prefix here.', 'Restart the generation instead of resuming it.');
    }
    const loaded = await load();
    const w = engine!;
    // A small model can ramble to the end of its context, leaving no room for the next turn:
    // without a limit from the request, an answer gets at most a quarter of the context.
    const maxTokens = req.maxTokens ?? Math.max(64, Math.floor(loaded.contextSize / 4));
    const rec = new ResponseRecorder('local', endpoint, req, { seed: req.seed ?? null, maxTokens, prefix: '' }, now, opts.onDelta);
    rec.model = loaded.name ?? loaded.fileName;
    rec.responseId = `local-${++responses}`;
    if (opts.signal?.aborted) return rec.snapshot('aborted');
    const schema = outputSchema(req.tools, req.toolChoice);
    let grammar: string | null = null;
    try {
      grammar = schema ? schemaToGbnf(schema) : null;
    } catch (err) {
      throw fail('bad-request', `The functions offered cannot be turned into a grammar for the local model: ${err instanceof Error ? err.message : String(err)}.`, 'Check the tool schemas.');
    }
    const callId = `${rec.responseId}-call-0`;
    const constrained = schema
      ? new ConstrainedStream({ text: (t) => rec.addText(t), call: (name, delta) => rec.addToolCall(0, callId, name, delta) })
      : null;
    const system = [req.system, functionsPrompt(req.tools, req.toolChoice)].filter(Boolean).join('\n\n');
    let raw = '';
    try {
      await w.createChatCompletion({
        messages: toEngineMessages(system, req.messages),
        stream: true,
        abortSignal: opts.signal,
        timings_per_token: true,
        max_tokens: maxTokens,
        ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
        ...(req.seed !== undefined ? { seed: req.seed } : {}),
        ...(grammar ? { grammar } : {}),
        onData: (chunk: ChatCompletionChunk) => {
          rec.events++;
          rec.usage = usageOf(chunk) ?? rec.usage;
          const choice = chunk.choices[0];
          const content = choice?.delta.content;
          if (typeof content === 'string' && content) {
            raw += content;
            if (constrained) constrained.push(content);
            else rec.addText(content);
          }
          if (choice?.finish_reason) rec.rawFinishReason = choice.finish_reason;
        },
      });
    } catch (err) {
      if (err instanceof WllamaAbortError || opts.signal?.aborted) return rec.snapshot('aborted');
      const said = err instanceof Error ? err.message : String(err);
      if (/context|exceeds|too long/i.test(said)) {
        throw fail('bad-request', `The conversation does not fit ${loaded.fileName}'s context of ${loaded.contextSize} tokens: ${said}.`, 'Shorten the context window or load the model with a larger context.', rec.snapshot('other'));
      }
      // The engine may be wrecked (a crash inside WebAssembly): the next call loads it afresh.
      await w.exit().catch(() => {});
      engine = null;
      info = null;
      throw fail('server', `The local engine failed in the middle of the answer: ${said}.${engineSaid()}`, 'It will be retried with the model loaded afresh; the partial answer is kept.', rec.snapshot('other'));
    }
    if (constrained) {
      const result = constrained.result();
      if (result.kind === 'call') return rec.snapshot('tool-calls');
      // Cut before either shape began (before the first key): keep what came as text.
      if (result.kind === 'incomplete' && !constrained.began && raw) rec.addText(raw);
    }
    return rec.snapshot(rec.rawFinishReason === 'length' ? 'length' : 'stop');
  }

  async function listModels(): Promise<ModelInfo[]> {
    const loaded = info ?? (await load());
    return [{ id: loaded.fileName, ...(loaded.name ? { displayName: loaded.name } : {}) }];
  }

  async function unload(): Promise<void> {
    const w = engine;
    engine = null;
    info = null;
    if (w) await w.exit();
  }

  return { wire: 'local', endpoint, capabilities: { seed: true, assistantPrefix: false }, chat, listModels, load, unload };
}
