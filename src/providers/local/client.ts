/**
 * The caller's side of the local-CPU worker: a `Provider` whose calls travel to
 * localCpu.worker.ts. Deltas arrive through `onDelta` as they stream; an abort is forwarded and
 * the partial answer comes back as the worker's record.
 */
import { ProviderError, failure } from '../errors';
import type { ChatOptions, ChatRequest, ChatResponse, ModelInfo, Provider } from '../types';
import type { LoadSettings, LocalCpuReply, LocalCpuRequest, ModelSource } from './protocol';
import type { LoadPhase, LocalModelInfo } from './wllamaProvider';

/** What `connectLocalCpu` needs of a Worker (a MessagePort-like object works in tests). */
export interface WorkerLike {
  postMessage(message: LocalCpuRequest): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<LocalCpuReply>) => void): void;
  addEventListener(type: 'error', listener: (e: Event) => void): void;
  terminate?(): void;
}

export interface LocalCpu extends Provider {
  /** Loads (or replaces) the model; resolves with what it is once a first token ran. */
  load(source: ModelSource, settings?: LoadSettings, onPhase?: (phase: LoadPhase) => void): Promise<LocalModelInfo>;
  unload(): Promise<void>;
  terminate(): void;
}

interface Pending {
  onReply(reply: LocalCpuReply): void;
  reject(err: unknown): void;
}

export function connectLocalCpu(worker: WorkerLike): LocalCpu {
  let nextId = 1;
  let endpoint = 'local:(no model)';
  const pending = new Map<number, Pending>();

  worker.addEventListener('message', (e: MessageEvent<LocalCpuReply>) => pending.get(e.data.id)?.onReply(e.data));
  const rejectAll = (err: ProviderError) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.addEventListener('error', (e: Event) => {
    const message = `The local CPU worker failed to start or crashed${'message' in e && (e as ErrorEvent).message ? `: ${(e as ErrorEvent).message}` : ''}.`;
    rejectAll(new ProviderError(failure('server', endpoint, message, 'Reload the page; if it persists, the browser may lack WebAssembly support.')));
  });

  function call<T>(make: (id: number) => LocalCpuRequest, handle: (reply: LocalCpuReply) => T | undefined): Promise<T> {
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, {
        reject,
        onReply: (reply) => {
          if (reply.kind === 'error') {
            pending.delete(id);
            reject(reply.failure ? new ProviderError(reply.failure) : new Error(reply.message));
            return;
          }
          const value = handle(reply);
          if (value !== undefined) {
            pending.delete(id);
            resolve(value);
          }
        },
      });
      worker.postMessage(make(id));
    });
  }

  async function load(source: ModelSource, settings: LoadSettings = {}, onPhase?: (phase: LoadPhase) => void): Promise<LocalModelInfo> {
    endpoint = `local:${'opfs' in source ? source.opfs : source.name}`;
    const info = await call<LocalModelInfo>(
      (id) => ({ id, op: 'load', source, settings }),
      (r) => {
        if (r.kind === 'phase') onPhase?.(r.phase);
        return r.kind === 'loaded' ? r.info : undefined;
      },
    );
    endpoint = `local:${info.fileName}`;
    return info;
  }

  function chat(request: ChatRequest, opts: ChatOptions = {}): Promise<ChatResponse> {
    let chatId = 0;
    const onAbort = () => worker.postMessage({ id: nextId++, op: 'abort', target: chatId });
    const answer = call<ChatResponse>(
      (id) => {
        chatId = id;
        return { id, op: 'chat', request };
      },
      (r) => {
        if (r.kind === 'delta') opts.onDelta?.(r.delta);
        return r.kind === 'answer' ? r.response : undefined;
      },
    );
    if (opts.signal) {
      if (opts.signal.aborted) onAbort();
      else opts.signal.addEventListener('abort', onAbort, { once: true });
    }
    return answer.finally(() => opts.signal?.removeEventListener('abort', onAbort));
  }

  return {
    wire: 'local',
    get endpoint() {
      return endpoint;
    },
    capabilities: { seed: true, assistantPrefix: false },
    chat,
    listModels: () => call<ModelInfo[]>((id) => ({ id, op: 'models' }), (r) => (r.kind === 'models' ? r.models : undefined)),
    load,
    unload: () => call<true>((id) => ({ id, op: 'unload' }), (r) => (r.kind === 'done' ? true : undefined)).then(() => {}),
    // A call still waiting would never hear back: it fails (retryable: the next call may load the model again).
    terminate: () => {
      worker.terminate?.();
      rejectAll(new ProviderError(failure('server', endpoint, `The local CPU running ${endpoint.slice('local:'.length)} was unloaded (another model was loaded, or the file was deleted or replaced).`, 'Run again; the model is loaded afresh.')));
    },
  };
}
