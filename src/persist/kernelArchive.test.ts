/**
 * The kernel searches archival memory through the ArchiveStore port: a run on the IndexedDB
 * archive must decide exactly as one on the in-memory archive, and a restored kernel rebuilds
 * its namespaces from the log.
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Kernel, parseHarness, type HarnessSpec } from '../kernel';
import { DexieArchive } from './DexieArchive';
import { StudioDb } from './StudioDb';

const dbs: StudioDb[] = [];
function open(): StudioDb {
  const db = new StudioDb(`kernel-archive-${dbs.length}-${Math.random()}`);
  dbs.push(db);
  return db;
}
afterEach(async () => {
  for (const db of dbs.splice(0)) await db.delete();
});

/** Chunks of a run's store: the shared namespace plus each agent's copy-on-write one. */
async function stored(archive: DexieArchive, spec: HarnessSpec, run: string, store: string): Promise<number> {
  let n = await archive.count(`${run}/${store}`);
  for (const a of spec.agents) n += await archive.count(`${run}/${store}@${a.id}`);
  return n;
}

function example(name: string): HarnessSpec {
  const r = parseHarness(readFileSync(new URL(`../../public/examples/${name}.json`, import.meta.url), 'utf8'));
  if (!r.ok) throw new Error(r.issues[0]!.message);
  return r.spec;
}

describe('the kernel on the IndexedDB archive', () => {
  it.each(['paging', 'distractors', 'research-team'])('%s: the same trace as on the in-memory archive', async (name) => {
    const spec = example(name);
    const inMemory = Kernel.create(spec, { runId: 'r', seed: 3 });
    await inMemory.runUntil();
    const archive = new DexieArchive(open());
    const onDisk = Kernel.create(spec, { runId: 'r', seed: 3, archive });
    await onDisk.runUntil();
    expect(onDisk.traceHash()).toBe(inMemory.traceHash());
    expect(onDisk.events.some((e) => e.type === 'tool.returned' && (e.chunks?.length ?? 0) > 0)).toBe(true);
    // The run's stores are in IndexedDB under the run's namespace.
    expect(await stored(archive, spec, 'r', spec.stores[0]!.id)).toBeGreaterThan(0);
  });

  it('a restored kernel rebuilds its namespaces from the log and continues identically', async () => {
    const spec = example('paging');
    const full = Kernel.create(spec, { runId: 'r', seed: 1 });
    await full.runUntil();
    const db = open();
    const first = Kernel.create(spec, { runId: 'r', seed: 1, archive: new DexieArchive(db) });
    const cut = full.events.findIndex((e) => e.type === 'tool.returned' && e.stored !== undefined) + 1;
    expect(cut).toBeGreaterThan(0);
    await first.runUntil({ maxEvents: cut + 5 });
    // Another tab (or a reload) restores the run from its committed events on the same database.
    const restored = Kernel.restore(first.events, spec, { runId: 'r', seed: 1, archive: new DexieArchive(db) });
    await restored.runUntil();
    expect(restored.traceHash()).toBe(full.traceHash());
  });

  it('deleting a run clears its namespaces and no other run’s', async () => {
    const archive = new DexieArchive(open());
    const spec = example('paging');
    await Kernel.create(spec, { runId: 'a', seed: 1, archive }).runUntil();
    await Kernel.create(spec, { runId: 'b', seed: 1, archive }).runUntil();
    const store = spec.stores[0]!.id;
    await archive.clear('a/');
    expect(await stored(archive, spec, 'a', store)).toBe(0);
    expect(await stored(archive, spec, 'b', store)).toBeGreaterThan(0);
  });
});
