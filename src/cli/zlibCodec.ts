/**
 * How the CLI keeps a long run's old events (KernelOptions.spill): blocks deflated by node:zlib
 * at its fastest level, about a seventh of their JSON, read back in a millisecond or two.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { BlockCodec } from '../kernel';

export const ZLIB_CODEC: BlockCodec = {
  encode: (json) => deflateRawSync(Buffer.from(json, 'utf8'), { level: 1 }),
  decode: (block) => inflateRawSync(block as Uint8Array).toString('utf8'),
};
