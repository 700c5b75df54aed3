/**
 * Settings: provider endpoints, API keys, per-project UI preferences. They live only in this
 * table; nothing here is ever copied into a run, a trace or an export.
 */
import type { StudioDb } from './StudioDb';
import { withStorage } from './storageError';

/** Key-value settings in the studio database. */
export class SettingStore {
  constructor(private readonly db: StudioDb) {}

  /** The stored value, or undefined when the key was never set. */
  get(key: string): Promise<unknown> {
    return withStorage('read a setting', async () => (await this.db.settings.get(key))?.value);
  }

  /** Stores a value; undefined deletes the key. */
  set(key: string, value: unknown): Promise<void> {
    return withStorage('save a setting', async () => {
      if (value === undefined) await this.db.settings.delete(key);
      else await this.db.settings.put({ key, value });
    });
  }
}
