import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { injectDiskFaults } from './testing/injectDiskFaults';
import { ProjectStore } from './ProjectStore';
import { BLOCKED_MESSAGE, StorageError, toStorageError, VERSION_CHANGE_MESSAGE } from './storageError';
import { StudioDb, type StorageNotice } from './StudioDb';

const quota = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');
const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

function openRaw(name: string, version: number): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name, version);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

describe('storage errors', () => {
  it('find a full disk however it is wrapped', () => {
    for (const err of [quota(), new Dexie.AbortError('aborted', quota()), new Dexie.BulkError('bulk', [new Dexie.AbortError('x', quota())]), new Dexie.OpenFailedError(quota())]) {
      const e = toStorageError(err, 'save the run');
      expect(e.kind).toBe('quota');
      expect(e.message).toMatch(/^Storage is full: could not save the run\. Delete old runs/);
    }
  });

  it('name the cause and keep the original', () => {
    const closed = toStorageError(new Dexie.DatabaseClosedError(), 'list the runs');
    expect(closed).toMatchObject({ kind: 'closed', message: VERSION_CHANGE_MESSAGE });
    const version = toStorageError(new Dexie.OpenFailedError(new DOMException('older', 'VersionError')), 'open the studio storage');
    expect(version.kind).toBe('version');
    expect(version.message).toMatch(/newer version of Harness Studio: reload/);
    const other = new Error('disk on fire');
    const unknown = toStorageError(other, 'save a setting');
    expect(unknown).toMatchObject({ kind: 'unknown', message: 'Could not save a setting: disk on fire', cause: other });
    expect(toStorageError(unknown, 'anything')).toBe(unknown);
  });

  it('turn a full disk during a save into a clear error, leaving the stored project intact', async () => {
    const name = `quota-${crypto.randomUUID()}`;
    const healthy = new StudioDb(name);
    closers.push(() => healthy.close());
    const p = await new ProjectStore(healthy).create('P', { v: 1 });
    const full = new StudioDb(name);
    closers.push(() => full.close());
    injectDiskFaults(full).full = true;
    const store = new ProjectStore(full);
    const err = await store.save(p.id, { v: 2 }, 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageError);
    expect((err as StorageError).message).toMatch(/^Storage is full: could not save the project/);
    expect(await new ProjectStore(healthy).get(p.id)).toMatchObject({ rev: 1, doc: { v: 1 } });
  });

  it('tell the user when an older tab blocks the upgrade, and continue once it closes', async () => {
    const name = `blocked-${crypto.randomUUID()}`;
    const old = await openRaw(name, 1); // an "older version" that ignores versionchange
    const db = new StudioDb(name);
    closers.push(() => db.close());
    const notices: StorageNotice[] = [];
    db.watch((n) => notices.push(n));
    const opening = db.open();
    await new Promise((r) => setTimeout(r, 50));
    expect(notices).toEqual([{ level: 'warning', message: BLOCKED_MESSAGE }]);
    old.close();
    await opening;
    expect(db.isOpen()).toBe(true);
  });

  it('close the connection when another tab upgrades, and say to reload', async () => {
    const name = `vc-${crypto.randomUUID()}`;
    const db = new StudioDb(name);
    const notices: StorageNotice[] = [];
    db.watch((n) => notices.push(n));
    await db.open();
    const newer = await openRaw(name, 1000);
    closers.push(() => newer.close());
    expect(notices).toEqual([{ level: 'error', message: VERSION_CHANGE_MESSAGE }]);
    expect(db.isOpen()).toBe(false);
    const err = await new ProjectStore(db).list().catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'closed', message: VERSION_CHANGE_MESSAGE });
  });
});
