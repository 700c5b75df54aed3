import { describe, expect, it } from 'vitest';
import { EventLog, SPILL_BLOCK, type KernelEvent } from '../kernel';
import { ZLIB_CODEC } from './zlibCodec';

describe('the CLI keeps spilled event blocks deflated', () => {
  it('reads every event back as it was pushed, text in any script included, in far fewer bytes than its JSON', () => {
    const log = new EventLog({ keep: 0, codec: ZLIB_CODEC });
    const events = Array.from({ length: SPILL_BLOCK * 3 + 5 }, (_, seq) => ({ seq, t: seq, run: 'r', type: 'infer.completed', text: `Step ${seq}: 漢字 🚀 naïve "quoted" \n summary summary summary` }) as unknown as KernelEvent);
    for (const e of events) log.push(e);
    expect(log.spilled).toBe(SPILL_BLOCK * 3);
    expect([...log]).toEqual(events);
    const block = ZLIB_CODEC.encode(JSON.stringify(events.slice(0, SPILL_BLOCK))) as Uint8Array;
    expect(block.byteLength).toBeLessThan(JSON.stringify(events.slice(0, SPILL_BLOCK)).length / 4);
  });
});
