/**
 * The kernel worker: opens the studio database and exposes the StudioApi to the page
 * (src/bridge/client.ts wraps it). Everything it does lives in studioApi.ts, testable in Node.
 *
 * Liveness: the worker holds one Web Lock for its whole life. The browser drops it the moment
 * the tab closes or reloads, so another worker can tell at once that runs this one held were
 * interrupted (leases remain the fallback where Web Locks are missing).
 */
import * as Comlink from 'comlink';
import { EndpointStore, StudioDb } from '../persist';
import { connectLocalCpu } from '../providers/local/client';
import { deleteModel, listModels, openModel, storeModel } from '../providers/local/opfs';
import { LocalModels } from './localModels';
import { createStudioApi } from './studioApi';
import { SecretBook, redactingApi, studioSecretSources } from './redactBoundary';

const OWNER_LOCK = 'harness-studio/owner/';
const owner = crypto.randomUUID();
const locks = (self.navigator as Navigator | undefined)?.locks;

let liveOwners: (() => Promise<ReadonlySet<string> | null>) | undefined;
if (locks) {
  // Held until the worker dies; never released on purpose.
  void locks.request(OWNER_LOCK + owner, () => new Promise<void>(() => {}));
  liveOwners = async () => {
    const { held = [] } = await locks.query();
    return new Set(held.map((l) => l.name ?? '').filter((n) => n.startsWith(OWNER_LOCK)).map((n) => n.slice(OWNER_LOCK.length)));
  };
}

/**
 * Local models: GGUF files in the origin-private file system, run by the local CPU, a worker of
 * this worker's own (a nested dedicated worker; wllama and its 8.7 MB of WebAssembly load only
 * there, never in the page or here). Without OPFS or nested workers there is no local CPU.
 */
/** A loaded model no unfinished run uses stays loaded this long: Run after an edit should not reload gigabytes. */
const LOCAL_IDLE_MS = 5 * 60_000;
const localModels =
  typeof Worker !== 'undefined' && typeof self.navigator?.storage?.getDirectory === 'function'
    ? new LocalModels(
        { list: () => listModels(), store: (file, opts) => storeModel(file, opts), open: (name) => openModel(name), remove: (name) => deleteModel(name) },
        () => connectLocalCpu(new Worker(new URL('../providers/local/localCpu.worker.ts', import.meta.url), { type: 'module', name: 'harness-local-cpu' })),
        LOCAL_IDLE_MS,
      )
    : undefined;

const db = new StudioDb();
const api = createStudioApi(db, { owner, ...(liveOwners ? { liveOwners } : {}), ...(localModels ? { localModels } : {}) });
// Everything the page receives crosses redactBoundary.ts: no declared secret or stored key reaches a view.
Comlink.expose(redactingApi(api, new SecretBook(studioSecretSources(api, new EndpointStore(db)))));
