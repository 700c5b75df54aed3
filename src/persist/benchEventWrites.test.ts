import { describe, expect, it } from 'vitest';
import { benchEventWrites } from './benchEventWrites';
import { openDb } from './StudioDb';

describe('benchEventWrites', () => {
  it('writes n events in blocks, reports the time, and cleans up after itself', async () => {
    const db = await openDb(`bench-${crypto.randomUUID()}`);
    let blocksSeen = 0;
    db.eventBlocks.hook('creating', () => {
      blocksSeen++;
    });
    const r = await benchEventWrites(db, 3000);
    expect(r.events).toBe(3000);
    expect(r.ms).toBeGreaterThan(0);
    expect(blocksSeen).toBe(Math.ceil(3000 / 256));
    expect(await db.runs.count()).toBe(0);
    expect(await db.eventBlocks.count()).toBe(0);
    db.close();
  });
});
