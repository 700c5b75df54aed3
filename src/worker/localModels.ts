/**
 * Local models in the kernel worker: GGUF files stored in the origin-private file system, and
 * the local CPU (its own worker, running llama.cpp through wllama) that runs one of them.
 *
 * - One model is loaded at a time (a real GGUF takes gigabytes of the tab's memory): runs on
 *   the same file share the load; a run on another file unloads the first (its runs reload it
 *   on their next call). A model no unstopped run uses is unloaded (`keepOnly`, after a grace
 *   period so Run after an edit does not load it again), as is a deleted or replaced file.
 * - Each model a run binds to a file gets a Provider that asks for the loaded CPU at every
 *   call, so a model swapped out meanwhile is loaded again instead of failing.
 * - Failures (the file gone from storage, a file llama.cpp will not load) are `ProviderError`s
 *   of kind `model-file` whose message names the file.
 *
 * The host supplies storage and the worker spawn (kernel.worker.ts: OPFS and a module Worker),
 * so this file runs in Node tests with fakes.
 */
import { ProviderError, failure } from '../providers/errors';
import type { ChatOptions, ChatRequest, ChatResponse, ModelInfo, Provider } from '../providers/types';
import type { LocalCpu } from '../providers/local/client';
import { GgufError, describeGguf, inspectGguf } from '../providers/local/gguf';
import type { StoredModel } from '../providers/local/opfs';
import type { LoadPhase, LocalModelInfo } from '../providers/local/wllamaProvider';
import type { LocalModelStatus, LocalModelSummary } from './api';
import { deliver } from './deliver';

/** Where model files live (OPFS in the browser; opfs.ts has these functions). */
export interface LocalModelStorage {
  list(): Promise<StoredModel[]>;
  store(file: Blob, opts: { name: string; onProgress?: (written: number, total: number) => void }): Promise<StoredModel>;
  /** Throws an Error naming the file when it is not stored. */
  open(name: string): Promise<Blob>;
  remove(name: string): Promise<void>;
}

const PHASE_TEXT: Record<LoadPhase, string> = {
  checking: 'checking the file',
  loading: 'loading into the local CPU (llama.cpp, WebAssembly)',
  verifying: 'running a first token',
  ready: 'loaded',
};

const fix = 'Pick the file again in Settings › Local models, or choose another endpoint on the model.';

function fileError(file: string, err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  const said = err instanceof Error ? err.message : String(err);
  return new ProviderError(failure('model-file', `local:${file}`, said.includes(file) ? said : `The local model ${file}: ${said}`, fix));
}

interface Loaded {
  file: string;
  cpu: LocalCpu;
  ready: Promise<LocalModelInfo>;
  settled: boolean;
}

export class LocalModels {
  private current: Loaded | null = null;
  /** The pending unload of a model no run uses (see `idleMs`). */
  private idle: ReturnType<typeof setTimeout> | null = null;
  private readonly sinks = new Set<(s: LocalModelStatus) => void>();
  private last: LocalModelStatus | null = null;

  /**
   * @param idleMs how long a model no unstopped run uses stays loaded (0: unloaded at once), so
   *   pressing Run again after an edit does not load a multi-GB file again
   */
  constructor(
    private readonly storage: LocalModelStorage,
    private readonly spawn: () => LocalCpu,
    private readonly idleMs = 0,
  ) {}

  /** The file loaded or loading now, if any. */
  get loadedFile(): string | null {
    return this.current?.file ?? null;
  }

  onStatus(sink: (s: LocalModelStatus) => void): void {
    this.sinks.add(sink);
    if (this.last) deliver(sink, this.last, () => this.sinks.delete(sink));
  }

  private status(s: LocalModelStatus): void {
    this.last = s;
    for (const sink of this.sinks) deliver(sink, s, () => this.sinks.delete(sink));
  }

  async list(): Promise<LocalModelSummary[]> {
    const stored = await this.storage.list();
    return Promise.all(stored.map((s) => this.summarize(s)));
  }

  private async summarize(s: StoredModel): Promise<LocalModelSummary> {
    const base = { name: s.name, bytes: s.bytes, lastModified: s.lastModified, loaded: this.current?.file === s.name && this.current.settled };
    try {
      const about = describeGguf(await inspectGguf(await this.storage.open(s.name), s.name));
      return { ...base, architecture: about.architecture, modelName: about.name, contextLength: about.contextLength, problem: null };
    } catch (err) {
      return { ...base, architecture: null, modelName: null, contextLength: null, problem: err instanceof GgufError ? err.message : `${s.name} cannot be read: ${String(err)}` };
    }
  }

  /** Checks and stores a file (storage refuses an unusable one before writing anything). */
  async store(file: Blob, name: string, onProgress?: (written: number, total: number) => void): Promise<LocalModelSummary> {
    if (this.current?.file === name) this.unload();
    const stored = await this.storage.store(file, { name, ...(onProgress ? { onProgress } : {}) });
    return this.summarize(stored);
  }

  async remove(name: string): Promise<void> {
    if (this.current?.file === name) this.unload();
    await this.storage.remove(name);
  }

  /** The local CPU with `file` loaded: shared when it is loaded already, else loaded now (unloading another). */
  acquire(file: string): Promise<LocalCpu> {
    this.cancelIdle();
    const held = this.current;
    if (held?.file === file) return held.ready.then(() => held.cpu);
    this.unload();
    const cpu = this.spawn();
    const entry: Loaded = { file, cpu, settled: false, ready: Promise.resolve(null as never) };
    entry.ready = (async () => {
      try {
        // Said here, with the name, before the engine tries: the commonest failure after a reload.
        await this.storage.open(file);
        const info = await cpu.load({ opfs: file }, {}, (phase) => this.status({ file, phase, message: `${file}: ${PHASE_TEXT[phase]}${phase === 'ready' ? '' : '…'}` }));
        entry.settled = true;
        return info;
      } catch (err) {
        const e = fileError(file, err);
        // A load cut short by unload() was reported as unloaded already.
        if (this.current === entry) {
          this.current = null;
          cpu.terminate();
          this.status({ file, phase: 'failed', message: e.message });
        }
        throw e;
      }
    })();
    this.current = entry;
    return entry.ready.then(() => cpu);
  }

  /** A Provider for models bound to `file`: each call runs on the loaded CPU, loading it again if it was swapped out. */
  provider(file: string): Provider {
    return {
      wire: 'local',
      endpoint: `local:${file}`,
      capabilities: { seed: true, assistantPrefix: false },
      chat: async (req: ChatRequest, opts?: ChatOptions): Promise<ChatResponse> => (await this.acquire(file)).chat(req, opts),
      listModels: async (): Promise<ModelInfo[]> => (await this.acquire(file)).listModels(),
    };
  }

  /** Unloads the loaded model unless `inUse` holds its file (after `idleMs`, if nothing needs it meanwhile). */
  keepOnly(inUse: ReadonlySet<string>): void {
    this.cancelIdle();
    const held = this.current;
    if (!held || inUse.has(held.file)) return;
    if (this.idleMs <= 0) return this.unload();
    this.idle = setTimeout(() => {
      this.idle = null;
      if (this.current === held) this.unload();
    }, this.idleMs);
  }

  private cancelIdle(): void {
    if (this.idle !== null) clearTimeout(this.idle);
    this.idle = null;
  }

  /** Ends the local CPU's worker (and the engine's with it): its memory goes back at once. */
  unload(): void {
    this.cancelIdle();
    const held = this.current;
    if (!held) return;
    this.current = null;
    held.cpu.terminate();
    this.status({ file: held.file, phase: 'unloaded', message: `${held.file}: unloaded` });
  }
}
