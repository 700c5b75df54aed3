/**
 * The in-browser CPU on a page of its own, driven by e2e/local-cpu.spec.ts and by
 * `npm run bench -- --only=localcpu` (both build it with bench/localCpuPage.mjs). It goes the way
 * the studio will: the GGUF is stored in the origin-private file system, the local-CPU worker
 * (src/providers/local/localCpu.worker.ts) opens it from there and runs it with wllama, and the
 * page talks to it through `connectLocalCpu` as to any Provider.
 */
import { connectLocalCpu, type LocalCpu } from '../src/providers/local/client';
import { deleteModel, listModels, storeModel, type StoredModel } from '../src/providers/local/opfs';
import type { LoadSettings } from '../src/providers/local/protocol';
import type { LoadPhase, LocalModelInfo } from '../src/providers/local/wllamaProvider';
import { ProviderError } from '../src/providers/errors';
import type { ChatRequest, ChatResponse, StreamDelta } from '../src/providers/types';

type Outcome<T> = { ok: true; value: T } | { ok: false; kind: string | null; message: string };

export interface LocalCpuPage {
  store(url: string, name: string): Promise<Outcome<StoredModel>>;
  list(): Promise<StoredModel[]>;
  remove(name: string): Promise<void>;
  load(name: string, settings?: LoadSettings): Promise<Outcome<{ info: LocalModelInfo; phases: LoadPhase[] }>>;
  chat(request: ChatRequest, abortAfterDeltas?: number): Promise<Outcome<{ response: ChatResponse; deltas: StreamDelta[] }>>;
}

declare global {
  interface Window {
    localCpu: LocalCpuPage;
  }
}

const outcome = async <T>(f: () => Promise<T>): Promise<Outcome<T>> => {
  try {
    return { ok: true, value: await f() };
  } catch (err) {
    return { ok: false, kind: err instanceof ProviderError ? err.failure.kind : null, message: err instanceof Error ? err.message : String(err) };
  }
};

let cpu: LocalCpu | null = null;
const worker = (): LocalCpu => (cpu ??= connectLocalCpu(new Worker(new URL('../src/providers/local/localCpu.worker.ts', import.meta.url), { type: 'module' })));

window.localCpu = {
  store: (url, name) =>
    outcome(async () => {
      const blob = await (await fetch(url)).blob();
      return storeModel(new File([blob], name));
    }),
  list: () => listModels(),
  remove: (name) => deleteModel(name),
  load: (name, settings = {}) =>
    outcome(async () => {
      const phases: LoadPhase[] = [];
      const info = await worker().load({ opfs: name }, settings, (p) => phases.push(p));
      return { info, phases };
    }),
  chat: (request, abortAfterDeltas) =>
    outcome(async () => {
      const deltas: StreamDelta[] = [];
      const ctrl = new AbortController();
      const response = await worker().chat(request, {
        signal: ctrl.signal,
        onDelta: (d) => {
          deltas.push(d);
          if (abortAfterDeltas !== undefined && deltas.length >= abortAfterDeltas) ctrl.abort();
        },
      });
      return { response, deltas };
    }),
};
document.getElementById('status')!.textContent = 'ready';
