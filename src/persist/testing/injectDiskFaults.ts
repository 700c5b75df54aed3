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
