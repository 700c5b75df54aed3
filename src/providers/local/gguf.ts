/**
 * Reads a GGUF file's header, metadata and tensor infos (not the weights) so a picked file can
 * be refused with a precise reason before the engine sees it, and its model described (name,
 * architecture, context length, vocabulary size). Browser and Node: it reads a `Blob` in slices.
 *
 * Format (ggml docs/gguf.md): "GGUF", u32 version, u64 tensor count, u64 metadata count, the
 * key/values (string key, u32 type, value; arrays as u32 element type, u64 length, elements),
 * then per tensor: name, u32 dimension count, u64 dims, u32 ggml type, u64 offset.
 */

export type GgufScalar = number | bigint | boolean | string;
/** Arrays longer than {@link KEEP_ARRAY} keep only their type and length. */
export type GgufValue = GgufScalar | GgufScalar[] | { arrayOf: number; length: number };

export interface GgufTensorInfo {
  name: string;
  dims: number[];
  type: number;
  offset: number;
}

export interface GgufSummary {
  version: number;
  tensorCount: number;
  metadata: Record<string, GgufValue>;
  tensors: GgufTensorInfo[];
  /** Where the tensor data starts (after padding to `general.alignment`). */
  dataOffset: number;
  alignment: number;
}

/** Versions llama.cpp reads today (1 is long gone). */
export const GGUF_VERSIONS = [2, 3];
const KEEP_ARRAY = 1024;

/** Why a file is not a usable GGUF, in words a user can act on. */
export class GgufError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GgufError';
  }
}

class NeedMore extends Error {}

class Reader {
  pos = 0;
  private readonly view: DataView;
  constructor(
    private readonly bytes: Uint8Array,
    readonly fileSize: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  private need(n: number): void {
    if (this.pos + n > this.bytes.length) throw new NeedMore();
  }
  u8(): number { this.need(1); return this.view.getUint8(this.pos++); }
  u32(): number { this.need(4); const v = this.view.getUint32(this.pos, true); this.pos += 4; return v; }
  u64(): bigint { this.need(8); const v = this.view.getBigUint64(this.pos, true); this.pos += 8; return v; }
  /** A u64 that must fit a JS number and stay under `limit` (a corrupt count would make us loop forever). */
  count(what: string, limit: number): number {
    const v = this.u64();
    if (v > BigInt(limit)) throw new GgufError(`${what} is ${v}, more than the file's ${this.fileSize} bytes could hold: the file is truncated or corrupt.`);
    return Number(v);
  }
  str(what: string): string {
    const n = this.count(`the length of ${what}`, this.fileSize);
    this.need(n);
    const s = new TextDecoder('utf-8', { fatal: false }).decode(this.bytes.subarray(this.pos, this.pos + n));
    this.pos += n;
    return s;
  }
  scalar(type: number, key: string): GgufScalar {
    const v = this.view;
    const at = this.pos;
    const take = (n: number) => { this.need(n); this.pos += n; };
    switch (type) {
      case 0: take(1); return v.getUint8(at);
      case 1: take(1); return v.getInt8(at);
      case 2: take(2); return v.getUint16(at, true);
      case 3: take(2); return v.getInt16(at, true);
      case 4: take(4); return v.getUint32(at, true);
      case 5: take(4); return v.getInt32(at, true);
      case 6: take(4); return v.getFloat32(at, true);
      case 7: take(1); return v.getUint8(at) !== 0;
      case 8: return this.str(`the value of ${key}`);
      case 10: take(8); return v.getBigUint64(at, true);
      case 11: take(8); return v.getBigInt64(at, true);
      case 12: take(8); return v.getFloat64(at, true);
      default: throw new GgufError(`metadata key ${key} has an unknown value type ${type}: the file is corrupt or from a newer GGUF version.`);
    }
  }
}

/** Checks the first 8 bytes: the magic and a version llama.cpp reads. Throws {@link GgufError}. */
export function checkGgufMagic(head: Uint8Array, fileName = 'the file'): number {
  if (head.length < 8) throw new GgufError(`${fileName} is ${head.length} bytes long: too short to be a GGUF model.`);
  const magic = String.fromCharCode(head[0]!, head[1]!, head[2]!, head[3]!);
  if (magic !== 'GGUF') {
    const hint = magic.startsWith('PK') ? ' (it looks like a zip archive)' : head[0] === 0x7b ? ' (it looks like JSON)' : '';
    throw new GgufError(`${fileName} is not a GGUF model: it starts with ${JSON.stringify(magic)}${hint}, not "GGUF". Pick a .gguf file (llama.cpp's model format).`);
  }
  const version = new DataView(head.buffer, head.byteOffset, 8).getUint32(4, true);
  if (!GGUF_VERSIONS.includes(version)) {
    throw new GgufError(`${fileName} is GGUF version ${version}; this engine reads versions ${GGUF_VERSIONS.join(' and ')}.`);
  }
  return version;
}

/** [values per block, bytes per block] of common ggml types, to check a file holds all its weights. */
const GGML_BLOCK: Record<number, [number, number]> = {
  0: [1, 4], 1: [1, 2], 2: [32, 18], 3: [32, 20], 6: [32, 22], 7: [32, 24], 8: [32, 34], 9: [32, 36],
  10: [256, 84], 11: [256, 110], 12: [256, 144], 13: [256, 176], 14: [256, 210], 15: [256, 292],
  24: [1, 1], 25: [1, 2], 26: [1, 4], 27: [1, 8], 28: [1, 8], 30: [1, 2],
};

/** Bytes a tensor's weights take, or null for a type this reader does not size. */
export function ggmlTensorBytes(dims: readonly number[], type: number): number | null {
  const block = GGML_BLOCK[type];
  if (!block) return null;
  return (dims.reduce((p, d) => p * d, 1) / block[0]) * block[1];
}

/** Parses what `bytes` (the start of a file of `fileSize` bytes) holds; throws NeedMore when it is cut short. */
function parse(bytes: Uint8Array, fileSize: number, fileName: string): GgufSummary {
  const version = checkGgufMagic(bytes, fileName);
  const r = new Reader(bytes, fileSize);
  r.pos = 8;
  const tensorCount = r.count('the tensor count', fileSize);
  const kvCount = r.count('the metadata count', fileSize);
  const metadata: Record<string, GgufValue> = {};
  for (let i = 0; i < kvCount; i++) {
    const key = r.str(`metadata key ${i}`);
    const type = r.u32();
    if (type === 9) {
      const of = r.u32();
      const length = r.count(`the length of array ${key}`, fileSize);
      if (of === 9) throw new GgufError(`metadata ${key} is an array of arrays, which this reader does not handle.`);
      const keep = length <= KEEP_ARRAY;
      const items: GgufScalar[] = [];
      for (let j = 0; j < length; j++) {
        const v = r.scalar(of, key);
        if (keep) items.push(v);
      }
      metadata[key] = keep ? items : { arrayOf: of, length };
    } else {
      metadata[key] = r.scalar(type, key);
    }
  }
  const tensors: GgufTensorInfo[] = [];
  for (let i = 0; i < tensorCount; i++) {
    const name = r.str(`tensor name ${i}`);
    const nDims = r.u32();
    if (nDims < 1 || nDims > 4) throw new GgufError(`tensor ${name} has ${nDims} dimensions (ggml allows 1 to 4): the file is corrupt.`);
    const dims: number[] = [];
    for (let d = 0; d < nDims; d++) dims.push(r.count(`a dimension of ${name}`, Number.MAX_SAFE_INTEGER));
    const type = r.u32();
    const offset = r.count(`the offset of ${name}`, fileSize);
    tensors.push({ name, dims, type, offset });
  }
  const alignValue = metadata['general.alignment'];
  const alignment = typeof alignValue === 'number' && alignValue > 0 ? alignValue : 32;
  const dataOffset = Math.ceil(r.pos / alignment) * alignment;
  if (dataOffset > fileSize) throw new GgufError(`${fileName} ends inside its header (${fileSize} bytes): the file is truncated.`);
  for (const t of tensors) {
    if (t.offset % alignment !== 0) throw new GgufError(`tensor ${t.name} starts at offset ${t.offset}, not a multiple of the alignment ${alignment}: the file is corrupt.`);
    const end = dataOffset + t.offset + (ggmlTensorBytes(t.dims, t.type) ?? 0);
    if (end > fileSize) throw new GgufError(`tensor ${t.name} ends at byte ${end}, past the end of ${fileName} (${fileSize} bytes): the file is truncated.`);
  }
  return { version, tensorCount, metadata, tensors, dataOffset, alignment };
}

/** Parses a whole file held in memory. */
export function parseGguf(bytes: Uint8Array, fileName = 'the file'): GgufSummary {
  try {
    return parse(bytes, bytes.length, fileName);
  } catch (err) {
    if (err instanceof NeedMore) throw new GgufError(`${fileName} ends inside its header (${bytes.length} bytes): the file is truncated.`);
    throw err;
  }
}

/**
 * Reads the header of a file (a picked `File`, an OPFS file) in growing slices: real models carry
 * vocabularies of several MB in their metadata. Throws {@link GgufError} with the reason.
 */
export async function inspectGguf(blob: Blob, fileName = blob instanceof File ? blob.name : 'the file'): Promise<GgufSummary> {
  let size = Math.min(blob.size, 1 << 20);
  for (;;) {
    const bytes = new Uint8Array(await blob.slice(0, size).arrayBuffer());
    try {
      return parse(bytes, blob.size, fileName);
    } catch (err) {
      if (!(err instanceof NeedMore)) throw err;
      if (size >= blob.size) throw new GgufError(`${fileName} ends inside its header (${blob.size} bytes): the file is truncated.`);
      size = Math.min(blob.size, size * 4);
    }
  }
}

/** A line about the model for a user: "llama · harness-tiny-random-s1 · 2 layers · context 2048 · 520 tokens". */
export function describeGguf(s: GgufSummary): { architecture: string; name: string | null; contextLength: number | null; vocabSize: number | null } {
  const arch = typeof s.metadata['general.architecture'] === 'string' ? (s.metadata['general.architecture'] as string) : 'unknown';
  const name = s.metadata['general.name'];
  const ctx = s.metadata[`${arch}.context_length`];
  const tokens = s.metadata['tokenizer.ggml.tokens'];
  const vocab = Array.isArray(tokens) ? tokens.length : tokens && typeof tokens === 'object' ? tokens.length : null;
  return { architecture: arch, name: typeof name === 'string' ? name : null, contextLength: typeof ctx === 'number' ? ctx : null, vocabSize: vocab };
}
