/**
 * Test support: makes a database's writes fail the way a full disk does in a browser (an
 * AbortError whose inner error is a QuotaExceededError) while the returned switch is on.
 * Install it before the database opens.
 */
import Dexie from 'dexie';
import type { StudioDb } from './StudioDb';

export interface DiskSwitch {
  full: boolean;
}

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
