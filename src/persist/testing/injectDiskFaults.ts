/**
 * Test support: makes a database's writes fail the way a full disk does in a browser (an
 * AbortError whose inner error is a QuotaExceededError) while the returned switch is on.
 * Install it before the database opens.
 */
import Dexie from 'dexie';
import type { StudioDb } from '../StudioDb';

/** Set `full` to make writes fail; clear it to let them through. */
export interface DiskSwitch {
  full: boolean;
}

/** Installs the fault on `db` (before it opens) and returns its switch, off. */
export function injectDiskFaults(db: StudioDb): DiskSwitch {
  const disk: DiskSwitch = { full: false };
  db.use({
    stack: 'dbcore',
    name: 'disk-faults',
    create: (down) => ({
      ...down,
      table: (name) => {
        const table = down.table(name);
        return {
          ...table,
          mutate: (req) => (disk.full ? Promise.reject(new Dexie.AbortError('Transaction aborted', new DOMException('The quota has been exceeded.', 'QuotaExceededError'))) : table.mutate(req)),
        };
      },
    }),
  });
  return disk;
}

/** Arm it to kill the worker at its next event-block write; `killed` tells whether it happened. */
export interface KillSwitch {
  armed: boolean;
  killed: boolean;
}

/**
 * Installs (before the database opens) a worker that dies in the middle of writing an event
 * block: once armed, the next put into `eventBlocks` writes its first row torn (half its
 * events) inside the transaction, then fails, which aborts the transaction as a killed worker's
 * does. From then on every write through this connection fails: a dead worker writes nothing more.
 */
export function injectKillDuringBlockWrite(db: StudioDb): KillSwitch {
  const kill: KillSwitch = { armed: false, killed: false };
  const dead = () => Promise.reject(new Dexie.AbortError('Transaction aborted: the worker was killed'));
  db.use({
    stack: 'dbcore',
    name: 'kill-during-block-write',
    create: (down) => ({
      ...down,
      table: (name) => {
        const table = down.table(name);
        return {
          ...table,
          mutate: async (req) => {
            if (kill.killed) return dead();
            if (!kill.armed || name !== 'eventBlocks' || req.type !== 'put' || req.values.length === 0) return table.mutate(req);
            kill.killed = true;
            // Torn: half the events of a plain block, or half the bytes of a compressed one.
            const first = req.values[0] as { events?: unknown[]; gz?: Uint8Array };
            const torn = first.events ? { ...first, events: first.events.slice(0, Math.ceil(first.events.length / 2)) } : { ...first, gz: first.gz?.slice(0, Math.ceil((first.gz?.length ?? 0) / 2)) };
            await table.mutate({ ...req, keys: req.keys?.slice(0, 1), values: [torn] });
            return dead();
          },
        };
      },
    }),
  });
  return kill;
}
