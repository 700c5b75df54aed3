/**
 * The local CPU's own worker: one model, loaded from OPFS or a Blob, answering chat requests.
 * Spawn it with
 *   new Worker(new URL('../providers/local/localCpu.worker.ts', import.meta.url), { type: 'module' })
 * and talk to it through `connectLocalCpu` (client.ts). wllama starts the WebAssembly engine in
 * a nested worker of its own; this one keeps model loading and stream parsing off the caller.
 */
import wasmUrl from '@wllama/wllama/esm/wasm/wllama.wasm?url';
import { ProviderError } from '../errors';
import { openModel } from './opfs';
import type { LocalCpuReply, LocalCpuRequest } from './protocol';
import { createWllamaProvider, type LocalProvider } from './wllamaProvider';

const scope = self as unknown as { postMessage(m: LocalCpuReply): void; onmessage: ((e: MessageEvent<LocalCpuRequest>) => void) | null };
let provider: LocalProvider | null = null;
const running = new Map<number, AbortController>();

const reply = (m: LocalCpuReply) => scope.postMessage(m);
const fail = (id: number, err: unknown) =>
  reply({ id, kind: 'error', failure: err instanceof ProviderError ? err.failure : null, message: err instanceof Error ? err.message : String(err) });

async function handle(msg: LocalCpuRequest): Promise<void> {
  switch (msg.op) {
    case 'load': {
      await provider?.unload();
      provider = null;
      const file = 'opfs' in msg.source ? await openModel(msg.source.opfs) : msg.source.blob;
      const name = 'opfs' in msg.source ? msg.source.opfs : msg.source.name;
      const next = createWllamaProvider(file, name, { wasmUrl, ...msg.settings });
      const info = await next.load((phase) => reply({ id: msg.id, kind: 'phase', phase }));
      provider = next;
      return reply({ id: msg.id, kind: 'loaded', info });
    }
    case 'chat': {
      if (!provider) throw new Error('No local model is loaded: load one first.');
      const ctrl = new AbortController();
      running.set(msg.id, ctrl);
      try {
        const response = await provider.chat(msg.request, { signal: ctrl.signal, onDelta: (delta) => reply({ id: msg.id, kind: 'delta', delta }) });
        return reply({ id: msg.id, kind: 'answer', response });
      } finally {
        running.delete(msg.id);
      }
    }
    case 'abort':
      running.get(msg.target)?.abort();
      return reply({ id: msg.id, kind: 'done' });
    case 'models':
      if (!provider) throw new Error('No local model is loaded: load one first.');
      return reply({ id: msg.id, kind: 'models', models: await provider.listModels() });
    case 'unload':
      await provider?.unload();
      provider = null;
      return reply({ id: msg.id, kind: 'done' });
  }
}

scope.onmessage = (e) => {
  handle(e.data).catch((err: unknown) => fail(e.data.id, err));
};
