/**
 * The kernel worker: opens the studio database and exposes the StudioApi to the page
 * (src/bridge/client.ts wraps it). Everything it does lives in studioApi.ts, testable in Node.
 *
 * Liveness: the worker holds one Web Lock for its whole life. The browser drops it the moment
 * the tab closes or reloads, so another worker can tell at once that runs this one held were
 * interrupted (leases remain the fallback where Web Locks are missing).
 */
import * as Comlink from 'comlink';
import { StudioDb } from '../persist';
import { createStudioApi } from './studioApi';

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

Comlink.expose(createStudioApi(new StudioDb(), { owner, ...(liveOwners ? { liveOwners } : {}) }));
