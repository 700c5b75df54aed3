/**
 * IndexedDB failures as messages a user can act on. Dexie wraps the browser's DOMExceptions
 * (a QuotaExceededError usually arrives as the `.inner` of an AbortError, or inside a bulk
 * operation's `failures`), so the cause is searched for, not read off the top.
 */

/** An upgrade of ours waits for another tab that keeps the old version open. */
export const BLOCKED_MESSAGE = 'Another Harness Studio tab holds an older version of the storage open: close that tab, and this one continues.';
/** Another tab upgraded or deleted the database, so this tab closed its connection. */
export const VERSION_CHANGE_MESSAGE = 'Harness Studio was updated in another tab, so this tab closed its storage: reload this tab to keep saving.';

export type StorageErrorKind = 'quota' | 'blocked' | 'closed' | 'version' | 'unavailable' | 'unknown';

/** A storage failure with a message that says what happened and what to do. */
export class StorageError extends Error {
  override readonly name = 'StorageError';
  constructor(
    readonly kind: StorageErrorKind,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

const NAMES: ReadonlyArray<[StorageErrorKind, readonly string[]]> = [
  ['quota', ['QuotaExceededError']],
  ['version', ['VersionError']],
  ['closed', ['DatabaseClosedError']],
  ['blocked', ['BlockedError']],
  ['unavailable', ['MissingAPIError', 'SecurityError']],
];

/** The names of an error and everything it wraps (Dexie's `inner`, `cause`, bulk `failures`), breadth first. */
function causeNames(err: unknown): string[] {
  const names: string[] = [];
  const queue: unknown[] = [err];
  const seen = new Set<unknown>();
  while (queue.length > 0 && names.length < 32) {
    const e = queue.shift();
    if (e === null || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    const rec = e as { name?: unknown; inner?: unknown; cause?: unknown; failures?: unknown; error?: unknown };
    if (typeof rec.name === 'string') names.push(rec.name);
    queue.push(rec.inner, rec.cause, rec.error);
    if (Array.isArray(rec.failures)) queue.push(...rec.failures);
    else if (rec.failures && typeof rec.failures === 'object') queue.push(...Object.values(rec.failures));
  }
  return names;
}

function messageFor(kind: StorageErrorKind, action: string, err: unknown): string {
  switch (kind) {
    case 'quota':
      return `Storage is full: could not ${action}. Delete old runs (Runs panel) or projects you no longer need, or free disk space, then try again.`;
    case 'blocked':
      return BLOCKED_MESSAGE;
    case 'closed':
      return VERSION_CHANGE_MESSAGE;
    case 'version':
      return `Could not ${action}: the stored data belongs to a newer version of Harness Studio: reload this tab to get it.`;
    case 'unavailable':
      return `Could not ${action}: this browser does not let Harness Studio use IndexedDB here (a private window, or site data blocked). Allow site data for this page, then reload.`;
    case 'unknown':
      return `Could not ${action}: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** Maps any error thrown by Dexie or IndexedDB to a StorageError (a StorageError passes through). */
export function toStorageError(err: unknown, action: string): StorageError {
  if (err instanceof StorageError) return err;
  const names = causeNames(err);
  const kind = NAMES.find(([, list]) => names.some((n) => list.includes(n)))?.[0] ?? 'unknown';
  return new StorageError(kind, messageFor(kind, action, err), err);
}

/** Runs a storage operation and rethrows its failure as a StorageError naming `action`. */
export async function withStorage<T>(action: string, work: () => PromiseLike<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw toStorageError(err, action);
  }
}
