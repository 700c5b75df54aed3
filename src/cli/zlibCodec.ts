/**
 * How the CLI keeps a long run's old events (KernelOptions.spill): blocks deflated by node:zlib
 * at its fastest level, about a seventh of their JSON, read back in a millisecond or two; the
 * same codec keeps the snapshots' recall and windows (state/recallStreams.ts).
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { BlockCodec } from '../kernel';

export const ZLIB_CODEC: BlockCodec = {
  // Copied to its own bytes: zlib's output of a small input is a view of a 16 kB buffer, which it would keep alive.
  encode: (json) => new Uint8Array(deflateRawSync(Buffer.from(json, 'utf8'), { level: 1 })),
  decode: (block) => inflateRawSync(block as Uint8Array).toString('utf8'),
};
