/**
 * Local models over the worker protocol, with the engine replaced by a fake local CPU (the real
 * one, llama.cpp in WebAssembly, runs in e2e/local-cpu.spec.ts): a model bound to `local:<file>`
 * runs on the stored file, one load is shared by runs on the same file, another file unloads it,
 * and a missing or unloadable file refuses the run naming the model and the file.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Comlink from 'comlink';
import type { StudioDb } from '../persist';
import { ProviderError, failure } from '../providers/errors';
import { ResponseRecorder } from '../providers/recorder';
import type { ChatRequest } from '../providers/types';
import { inspectGguf } from '../providers/local/gguf';
import type { LocalCpu } from '../providers/local/client';
import type { LoadPhase } from '../providers/local/wllamaProvider';
// @ts-expect-error: a plain .mjs script without type declarations
import { makeTinyGguf } from '../../scripts/make-tiny-gguf.mjs';
import type { LocalModelStatus } from './api';
import { LocalModels, type LocalModelStorage } from './localModels';
import { connect, freshDb, type Connection } from './testing/testChannel';

const tiny = (): Blob => new Blob([makeTinyGguf({ seed: 1 }) as Uint8Array<ArrayBuffer>]);

/** Files in memory, checked like opfs.ts's storeModel (the header first, nothing stored on failure). */
function memoryStorage(): LocalModelStorage & { files: Map<string, Blob> } {
  const files = new Map<string, Blob>();
  return {
    files,
    list: async () => [...files].map(([name, b]) => ({ name, bytes: b.size, lastModified: 0 })),
    store: async (file, { name, onProgress }) => {
      await inspectGguf(file, name);
      onProgress?.(file.size, file.size);
      files.set(name, file);
      return { name, bytes: file.size, lastModified: 0 };
    },
    open: async (name) => {
      const f = files.get(name);
      if (!f) throw new Error(`No local model named ${JSON.stringify(name)} is stored in this browser; pick the file again.`);
      return f;
    },
    remove: async (name) => void files.delete(name),
  };
}

/** A local CPU that loads by name and always answers with a call of finish. */
function fakeCpus(opts: { refuse?: string } = {}) {
  const log: string[] = [];
  const spawn = (): LocalCpu => {
    let file = '';
    let alive = true;
    return {
      wire: 'local',
      get endpoint() {
        return `local:${file}`;
      },
      capabilities: { seed: true, assistantPrefix: false },
      load: async (source, _settings, onPhase?: (p: LoadPhase) => void) => {
        file = 'opfs' in source ? source.opfs : source.name;
        log.push(`load ${file}`);
        for (const p of ['checking', 'loading', 'verifying'] as const) onPhase?.(p);
        if (file === opts.refuse) throw new ProviderError(failure('model-file', `local:${file}`, `${file} (xxxxx) did not load in llama.cpp: unknown model architecture.`, 'Try another GGUF.'));
        onPhase?.('ready');
        return { fileName: file, bytes: 1, architecture: 'llama', name: 'tiny', contextLength: 2048, contextSize: 2048, vocabSize: 578, loadMs: 1 };
      },
      chat: async (req: ChatRequest) => {
        if (!alive) throw new Error('chat on a terminated CPU');
        log.push(`chat ${file}`);
        const rec = new ResponseRecorder('local', `local:${file}`, req, { seed: req.seed ?? null, maxTokens: null, prefix: '' }, () => 0, undefined);
        rec.addToolCall(0, 'local-1-call-0', 'finish', JSON.stringify({ text: `from ${file}` }));
        rec.usage = { inputTokens: 40, outputTokens: 9 };
        return rec.snapshot('tool-calls');
      },
      listModels: async () => [{ id: file }],
      unload: async () => undefined,
      terminate: () => {
        alive = false;
        log.push(`terminate ${file}`);
      },
    };
  };
  return { spawn, log };
}

const open: Array<Connection | StudioDb> = [];
afterEach(async () => {
  for (const x of open.splice(0).reverse()) await x.close();
});

function setup(refuse?: string) {
  const db = freshDb();
  open.push(db);
  const storage = memoryStorage();
  const cpus = fakeCpus(refuse ? { refuse } : {});
  const local = new LocalModels(storage, cpus.spawn);
  const c = connect(db, { localModels: local });
  open.push(c);
  return { ...c, storage, log: cpus.log, local };
}

const oneAgent = (provider = 'openai-compatible') => ({
  version: 1, name: 'One local agent',
  models: [{ id: 'm', name: 'M', provider, model: 'tiny' }],
  agents: [{ id: 'solo', name: 'Solo', model: 'm', systemPrompt: 'Answer.', capabilities: [] }],
  limits: { maxSteps: 20 },
});

describe('local models over the worker protocol', () => {
  it('stores a checked GGUF and lists it with its size, architecture and name; refuses a file that is not one, storing nothing', async () => {
    const { remote, storage } = setup();
    const progress: number[] = [];
    const stored = await remote.storeLocalModel(tiny(), 'tiny.gguf', Comlink.proxy((w: number) => void progress.push(w)));
    expect(stored).toMatchObject({ name: 'tiny.gguf', architecture: 'llama', modelName: 'harness-tiny-random-s1', contextLength: 2048, problem: null, loaded: false });
    expect(stored.bytes).toBe(tiny().size);
    // Progress reaches the page (a proxied callback: asynchronous) and ends at the whole file.
    await expect.poll(() => progress.at(-1)).toBe(tiny().size);
    await expect(remote.storeLocalModel(new Blob(['{"this": "is json"}']), 'notes.gguf')).rejects.toThrow(/notes\.gguf is not a GGUF model: .*looks like JSON/);
    expect((await remote.listLocalModels()).map((m) => m.name)).toEqual(['tiny.gguf']);
    expect([...storage.files.keys()]).toEqual(['tiny.gguf']);
    await remote.deleteLocalModel('tiny.gguf');
    expect(await remote.listLocalModels()).toEqual([]);
  });

  it('a model bound to local:<file> runs on it: loaded once with its phases reported, shared by a second run, unloaded when no run needs it', async () => {
    const { remote, log } = setup();
    const statuses: LocalModelStatus[] = [];
    await remote.onLocalModelStatus(Comlink.proxy((s: LocalModelStatus) => void statuses.push(s)));
    await remote.storeLocalModel(tiny(), 'tiny.gguf');
    await remote.setSetting('modelEndpoints/p1', { m: 'local:tiny.gguf' });

    const a = await remote.startRun('p1', oneAgent(), 1);
    if (!a.ok) throw new Error(a.issues.map((i) => i.message).join('\n'));
    const b = await remote.startRun('p1', oneAgent(), 2);
    if (!b.ok) throw new Error(b.issues.map((i) => i.message).join('\n'));
    expect(log).toEqual(['load tiny.gguf']);
    expect((await remote.listLocalModels())[0]?.loaded).toBe(true);

    const doneA = await remote.play(a.run.id, []);
    expect(doneA.status).toBe('stopped');
    const events = await remote.loadEvents(a.run.id, 0, doneA.head);
    const completed = events.find((e) => e.type === 'infer.completed');
    expect(completed).toMatchObject({ record: { provider: 'openai-compatible', response: { wire: 'local', endpoint: 'local:tiny.gguf' } } });
    expect(events.find((e) => e.type === 'agent.finished')).toMatchObject({ text: 'from tiny.gguf' });
    // Run b still needs the model.
    expect(log).not.toContain('terminate tiny.gguf');

    expect((await remote.play(b.run.id, [])).status).toBe('stopped');
    expect(log).toEqual(['load tiny.gguf', 'chat tiny.gguf', 'chat tiny.gguf', 'terminate tiny.gguf']);
    await new Promise((r) => setTimeout(r, 10));
    expect(statuses.map((s) => s.phase)).toEqual(['checking', 'loading', 'verifying', 'ready', 'unloaded']);
    expect(statuses[1]?.message).toBe('tiny.gguf: loading into the local CPU (llama.cpp, WebAssembly)…');
  });

  it('a run on another file unloads the first; a file gone from storage or one the engine refuses fails the start naming model and file', async () => {
    const { remote, log } = setup('bad.gguf');
    await remote.storeLocalModel(tiny(), 'one.gguf');
    await remote.storeLocalModel(tiny(), 'two.gguf');
    await remote.storeLocalModel(tiny(), 'bad.gguf');
    await remote.setSetting('modelEndpoints/p1', { m: 'local:one.gguf' });
    expect((await remote.startRun('p1', oneAgent(), 1)).ok).toBe(true);
    await remote.setSetting('modelEndpoints/p1', { m: 'local:two.gguf' });
    expect((await remote.startRun('p1', oneAgent('openai'), 1)).ok).toBe(true);
    expect(log).toEqual(['load one.gguf', 'terminate one.gguf', 'load two.gguf']);

    await remote.setSetting('modelEndpoints/p1', { m: 'local:gone.gguf' });
    expect(await remote.startRun('p1', oneAgent(), 1)).toEqual({
      ok: false,
      issues: [{ path: 'models[0].provider', message: expect.stringMatching(/^model "m" runs on the local file gone\.gguf: No local model named "gone\.gguf" is stored in this browser/) }],
    });
    await remote.setSetting('modelEndpoints/p1', { m: 'local:bad.gguf' });
    const bad = await remote.startRun('p1', oneAgent(), 1);
    expect(bad).toMatchObject({ ok: false, issues: [{ path: 'models[0].provider', message: expect.stringContaining('bad.gguf (xxxxx) did not load in llama.cpp') }] });

    // Deleting the loaded file unloads it.
    await remote.setSetting('modelEndpoints/p1', { m: 'local:one.gguf' });
    expect((await remote.startRun('p1', oneAgent(), 1)).ok).toBe(true);
    await remote.deleteLocalModel('one.gguf');
    expect(log.at(-1)).toBe('terminate one.gguf');
  });

  it('without a local CPU (a host with no OPFS), a local choice refuses the run, naming the model and the file', async () => {
    const db = freshDb();
    open.push(db);
    const c = connect(db);
    open.push(c);
    await c.remote.setSetting('modelEndpoints/p1', { m: 'local:tiny.gguf' });
    const r = await c.remote.startRun('p1', oneAgent(), 1);
    expect(r).toMatchObject({ ok: false, issues: [{ path: 'models[0].provider', message: expect.stringContaining('model "m" runs on the local file tiny.gguf: Local models need') }] });
    expect(await c.remote.listLocalModels()).toEqual([]);
  });
});

describe('LocalModels', () => {
  it('with a grace period, a model no run uses stays loaded for the next run and is unloaded when the period passes unused', async () => {
    const storage = memoryStorage();
    storage.files.set('a.gguf', tiny());
    const { spawn, log } = fakeCpus();
    const local = new LocalModels(storage, spawn, 40);
    await local.acquire('a.gguf');
    local.keepOnly(new Set());
    await new Promise((r) => setTimeout(r, 10));
    await local.acquire('a.gguf');
    expect(log).toEqual(['load a.gguf']);
    local.keepOnly(new Set(['a.gguf']));
    await new Promise((r) => setTimeout(r, 80));
    expect(local.loadedFile).toBe('a.gguf');
    local.keepOnly(new Set());
    await new Promise((r) => setTimeout(r, 80));
    expect(log).toEqual(['load a.gguf', 'terminate a.gguf']);
    expect(local.loadedFile).toBeNull();
  });

  it('a load cut short by another file rejects instead of hanging', async () => {
    const storage = memoryStorage();
    storage.files.set('a.gguf', tiny());
    storage.files.set('b.gguf', tiny());
    let release: () => void = () => undefined;
    const slow = fakeCpus().spawn;
    const local = new LocalModels(storage, () => {
      const cpu = slow();
      let rejectLoad: (e: unknown) => void = () => undefined;
      const held: LocalCpu = {
        ...cpu,
        load: (...args: Parameters<LocalCpu['load']>) =>
          new Promise((resolve, reject) => {
            rejectLoad = reject;
            release = () => void cpu.load(...args).then(resolve, reject);
          }),
        terminate: () => rejectLoad(new ProviderError(failure('server', 'local:a.gguf', 'The local CPU running a.gguf was unloaded.', ''))),
      };
      return held;
    });
    const first = local.acquire('a.gguf');
    await new Promise((r) => setTimeout(r, 0));
    const second = local.acquire('b.gguf');
    await expect(first).rejects.toThrow(/a\.gguf was unloaded/);
    release();
    await expect(second).resolves.toBeDefined();
    expect(local.loadedFile).toBe('b.gguf');
  });
});
