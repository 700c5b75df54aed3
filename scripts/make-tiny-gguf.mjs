#!/usr/bin/env node
/**
 * Writes a tiny llama-architecture GGUF (v3) with seeded random weights: real enough for
 * llama.cpp (wllama in a browser, node-llama-cpp in Node) to load, tokenize, sample and follow
 * a grammar, small enough (~200 kB) to generate at test time. Its output is gibberish.
 *
 *   node scripts/make-tiny-gguf.mjs [OUT.gguf] [--seed=N]     (default: the cache path, seed 1)
 *   import { makeTinyGguf, tinyGgufPath } from './make-tiny-gguf.mjs'
 *
 * Layout (GGUF v3, little-endian, as documented in ggml's docs/gguf.md): magic "GGUF", version 3,
 * tensor count (u64), metadata count (u64); the metadata key/values; one info per tensor (name,
 * dims, ggml type, offset into the data); zero padding to `general.alignment` (32); the tensor
 * data, each tensor starting on a multiple of 32.
 *
 * The bytes depend only on the seed: weights are integers from a 32-bit PRNG (no Math.random,
 * no transcendental functions), so the same seed gives the same file on any machine
 * (scripts/make-tiny-gguf.test.ts pins its SHA-256).
 *
 * Weights are Q8_0 (blocks of 32 int8 values with one f16 scale, 34 bytes): every matrix's rows
 * (ggml's ne0: embedding 64, FFN 192) are multiples of 32, which llama.cpp requires of Q8_0.
 * Norm weights are F32 ones. The vocabulary is a SentencePiece-style ("llama") one: <unk>, <s>,
 * </s>, the 256 byte-fallback tokens, ChatML's <|im_start|> / <|im_end|>, the printable ASCII
 * characters and the prefixes of a few words (merges in SPM need every intermediate piece).
 */
import { mkdirSync, existsSync, writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** GGUF metadata value types (gguf.md). */
export const GGUF_TYPE = { UINT8: 0, INT8: 1, UINT16: 2, INT16: 3, UINT32: 4, INT32: 5, FLOAT32: 6, BOOL: 7, STRING: 8, ARRAY: 9, UINT64: 10, INT64: 11, FLOAT64: 12 };
/** ggml tensor types used here. */
export const GGML_TYPE = { F32: 0, F16: 1, Q8_0: 8 };
/** SentencePiece token types as llama.cpp reads them. */
export const TOKEN_TYPE = { NORMAL: 1, UNKNOWN: 2, CONTROL: 3, USER_DEFINED: 4, UNUSED: 5, BYTE: 6 };

export const ALIGNMENT = 32;
const Q8_0_BLOCK = 32;
const Q8_0_BYTES = 34;

/** ChatML, which llama.cpp and node-llama-cpp both recognise. */
export const CHAT_TEMPLATE =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

const WORDS = ['the', 'and', 'hello', 'world', 'call', 'text', 'arguments', 'agent', 'tool', 'search', 'write', 'read', 'send', 'finish', 'message', 'memory', 'city', 'query', 'result', 'true', 'false', 'null', 'Paris', 'Rome', 'Oslo', 'name', 'value'];

/** The vocabulary: pieces, SPM scores (higher merges first) and token types. */
export function tinyVocab() {
  const tokens = [];
  const scores = [];
  const types = [];
  const add = (piece, score, type) => {
    tokens.push(piece);
    scores.push(score);
    types.push(type);
  };
  add('<unk>', 0, TOKEN_TYPE.UNKNOWN);
  add('<s>', 0, TOKEN_TYPE.CONTROL);
  add('</s>', 0, TOKEN_TYPE.CONTROL);
  for (let b = 0; b < 256; b++) add(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`, 0, TOKEN_TYPE.BYTE);
  add('<|im_start|>', 0, TOKEN_TYPE.CONTROL);
  add('<|im_end|>', 0, TOKEN_TYPE.CONTROL);
  const seen = new Set(tokens);
  let rank = 0;
  const piece = (p) => {
    if (seen.has(p)) return;
    seen.add(p);
    add(p, -++rank, TOKEN_TYPE.NORMAL);
  };
  piece('\u2581'); // SentencePiece's word boundary (a space)
  for (let c = 0x21; c < 0x7f; c++) piece(String.fromCharCode(c));
  for (const p of ['{"', '":', '",', '"}', '\u2581"', '\u2581{', '}}']) {
    for (let i = 2; i <= p.length; i++) piece(p.slice(0, i));
  }
  for (const w of WORDS) {
    for (const start of ['\u2581', '']) {
      const full = start + w;
      for (let i = 2; i <= full.length; i++) piece(full.slice(0, i));
    }
  }
  return { tokens, scores, types, bos: 1, eos: tokens.indexOf('<|im_end|>'), unk: 0 };
}

/** A small-state 32-bit PRNG (sfc32) seeded through splitmix32: integer operations only. */
export function makeRng(seed) {
  let s = seed >>> 0;
  const split = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split(), b = split(), c = split(), d = split();
  return () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t >>> 0;
  };
}

/** f16 bits of 2^-k (exact): exponent 15-k, no mantissa. */
const f16PowerOfTwo = (k) => (15 - k) << 10;

/** Default shape: 64-wide, 2 layers, FFN 192, 4 heads with 2 key/value heads. */
export const DEFAULT_SHAPE = { embd: 64, layers: 2, ff: 192, heads: 4, headsKv: 2, context: 2048 };

function tensorList(shape, vocabSize) {
  const { embd, layers, ff, heads, headsKv } = shape;
  const kv = (embd / heads) * headsKv;
  // [name, dims (ne0 first), type, log2 of the inverse Q8_0 scale]
  const list = [
    ['token_embd.weight', [embd, vocabSize], GGML_TYPE.Q8_0, 6],
    ['output_norm.weight', [embd], GGML_TYPE.F32, 0],
    ['output.weight', [embd, vocabSize], GGML_TYPE.Q8_0, 7],
  ];
  for (let l = 0; l < layers; l++) {
    const b = `blk.${l}.`;
    list.push(
      [`${b}attn_norm.weight`, [embd], GGML_TYPE.F32, 0],
      [`${b}attn_q.weight`, [embd, embd], GGML_TYPE.Q8_0, 8],
      [`${b}attn_k.weight`, [embd, kv], GGML_TYPE.Q8_0, 8],
      [`${b}attn_v.weight`, [embd, kv], GGML_TYPE.Q8_0, 8],
      [`${b}attn_output.weight`, [embd, embd], GGML_TYPE.Q8_0, 8],
      [`${b}ffn_norm.weight`, [embd], GGML_TYPE.F32, 0],
      [`${b}ffn_gate.weight`, [embd, ff], GGML_TYPE.Q8_0, 8],
      [`${b}ffn_up.weight`, [embd, ff], GGML_TYPE.Q8_0, 8],
      [`${b}ffn_down.weight`, [ff, embd], GGML_TYPE.Q8_0, 9],
    );
  }
  return list.map(([name, dims, type, scaleLog2]) => ({ name, dims, type, scaleLog2, bytes: tensorBytes(dims, type) }));
}

export function tensorBytes(dims, type) {
  const n = dims.reduce((p, d) => p * d, 1);
  if (type === GGML_TYPE.F32) return n * 4;
  if (type === GGML_TYPE.F16) return n * 2;
  if (type === GGML_TYPE.Q8_0) {
    if (dims[0] % Q8_0_BLOCK !== 0) throw new Error(`Q8_0 rows must be a multiple of ${Q8_0_BLOCK}, got ${dims[0]}`);
    return (n / Q8_0_BLOCK) * Q8_0_BYTES;
  }
  throw new Error(`unsupported ggml type ${type}`);
}

const align = (n) => Math.ceil(n / ALIGNMENT) * ALIGNMENT;

/** A growable little-endian byte writer. */
class Writer {
  constructor() {
    this.buf = new Uint8Array(1 << 16);
    this.view = new DataView(this.buf.buffer);
    this.pos = 0;
  }
  ensure(n) {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf);
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u8(v) { this.ensure(1); this.view.setUint8(this.pos, v); this.pos += 1; }
  i8(v) { this.ensure(1); this.view.setInt8(this.pos, v); this.pos += 1; }
  u16(v) { this.ensure(2); this.view.setUint16(this.pos, v, true); this.pos += 2; }
  u32(v) { this.ensure(4); this.view.setUint32(this.pos, v, true); this.pos += 4; }
  i32(v) { this.ensure(4); this.view.setInt32(this.pos, v, true); this.pos += 4; }
  f32(v) { this.ensure(4); this.view.setFloat32(this.pos, v, true); this.pos += 4; }
  u64(v) { this.ensure(8); this.view.setBigUint64(this.pos, BigInt(v), true); this.pos += 8; }
  bytes(b) { this.ensure(b.length); this.buf.set(b, this.pos); this.pos += b.length; }
  str(s) { const b = new TextEncoder().encode(s); this.u64(b.length); this.bytes(b); }
  pad() { const n = align(this.pos) - this.pos; this.ensure(n); this.pos += n; /* zeros: fresh buffer */ }
  result() { return this.buf.slice(0, this.pos); }
}

function writeValue(w, type, value) {
  switch (type) {
    case GGUF_TYPE.UINT32: return w.u32(value);
    case GGUF_TYPE.INT32: return w.i32(value);
    case GGUF_TYPE.FLOAT32: return w.f32(value);
    case GGUF_TYPE.BOOL: return w.u8(value ? 1 : 0);
    case GGUF_TYPE.STRING: return w.str(value);
    default: throw new Error(`unsupported metadata type ${type}`);
  }
}

/**
 * The file's bytes. `seed` picks the weights (and only the weights); `shape` overrides parts of
 * {@link DEFAULT_SHAPE}.
 */
export function makeTinyGguf({ seed = 1, shape: shapeOverride = {} } = {}) {
  const shape = { ...DEFAULT_SHAPE, ...shapeOverride };
  if (shape.embd % shape.heads !== 0) throw new Error('embd must be a multiple of heads');
  const vocab = tinyVocab();
  const tensors = tensorList(shape, vocab.tokens.length);
  const U32 = GGUF_TYPE.UINT32;
  const metadata = [
    ['general.architecture', GGUF_TYPE.STRING, 'llama'],
    ['general.name', GGUF_TYPE.STRING, `harness-tiny-random-s${seed}`],
    ['general.file_type', U32, 7], // mostly Q8_0
    ['general.quantization_version', U32, 2],
    ['general.alignment', U32, ALIGNMENT],
    ['llama.vocab_size', U32, vocab.tokens.length],
    ['llama.context_length', U32, shape.context],
    ['llama.embedding_length', U32, shape.embd],
    ['llama.block_count', U32, shape.layers],
    ['llama.feed_forward_length', U32, shape.ff],
    ['llama.attention.head_count', U32, shape.heads],
    ['llama.attention.head_count_kv', U32, shape.headsKv],
    ['llama.attention.layer_norm_rms_epsilon', GGUF_TYPE.FLOAT32, 1e-5],
    ['llama.rope.dimension_count', U32, shape.embd / shape.heads],
    ['llama.rope.freq_base', GGUF_TYPE.FLOAT32, 10000],
    ['tokenizer.ggml.model', GGUF_TYPE.STRING, 'llama'],
    ['tokenizer.ggml.tokens', [GGUF_TYPE.STRING], vocab.tokens],
    ['tokenizer.ggml.scores', [GGUF_TYPE.FLOAT32], vocab.scores],
    ['tokenizer.ggml.token_type', [GGUF_TYPE.INT32], vocab.types],
    ['tokenizer.ggml.bos_token_id', U32, vocab.bos],
    ['tokenizer.ggml.eos_token_id', U32, vocab.eos],
    ['tokenizer.ggml.unknown_token_id', U32, vocab.unk],
    ['tokenizer.ggml.padding_token_id', U32, vocab.unk],
    ['tokenizer.ggml.add_bos_token', GGUF_TYPE.BOOL, true],
    ['tokenizer.ggml.add_eos_token', GGUF_TYPE.BOOL, false],
    ['tokenizer.chat_template', GGUF_TYPE.STRING, CHAT_TEMPLATE],
    ['harness.seed', U32, seed >>> 0],
  ];

  const w = new Writer();
  w.bytes(new TextEncoder().encode('GGUF'));
  w.u32(3);
  w.u64(tensors.length);
  w.u64(metadata.length);
  for (const [key, type, value] of metadata) {
    w.str(key);
    if (Array.isArray(type)) {
      w.u32(GGUF_TYPE.ARRAY);
      w.u32(type[0]);
      w.u64(value.length);
      for (const v of value) writeValue(w, type[0], v);
    } else {
      w.u32(type);
      writeValue(w, type, value);
    }
  }
  let offset = 0;
  for (const t of tensors) {
    t.offset = offset;
    w.str(t.name);
    w.u32(t.dims.length);
    for (const d of t.dims) w.u64(d);
    w.u32(t.type);
    w.u64(offset);
    offset = align(offset + t.bytes);
  }
  w.pad();
  const rng = makeRng(seed);
  for (const t of tensors) {
    const start = w.pos;
    if (t.type === GGML_TYPE.F32) {
      const n = t.bytes / 4;
      for (let i = 0; i < n; i++) w.f32(1);
    } else {
      const scale = f16PowerOfTwo(t.scaleLog2);
      for (let block = 0; block < t.bytes / Q8_0_BYTES; block++) {
        w.u16(scale);
        for (let i = 0; i < Q8_0_BLOCK; i++) {
          const r = rng();
          // Triangular on [-127, 127]: the sum of two uniform 7-bit draws, centred.
          w.i8((r & 0x7f) + ((r >>> 8) & 0x7f) - 127);
        }
      }
    }
    if (w.pos - start !== t.bytes) throw new Error(`tensor ${t.name}: wrote ${w.pos - start} bytes, expected ${t.bytes}`);
    w.pad();
  }
  return w.result();
}

/** Where the test and bench copy lives: node_modules/.cache/harness/tiny-s<seed>.gguf. */
export function tinyGgufPath(seed = 1) {
  return path.join(ROOT, 'node_modules', '.cache', 'harness', `tiny-s${seed}.gguf`);
}

/** Writes the file for `seed` at `out` (the cache path by default) unless it is there; returns the path. */
export function ensureTinyGguf({ seed = 1, out = tinyGgufPath(seed), force = false } = {}) {
  if (!force && existsSync(out)) return out;
  mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  writeFileSync(tmp, makeTinyGguf({ seed }));
  renameSync(tmp, out);
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const seedArg = args.find((a) => a.startsWith('--seed='));
  const seed = seedArg ? Number(seedArg.slice('--seed='.length)) : 1;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    process.stderr.write(`make-tiny-gguf: --seed must be an integer in 0..4294967295, got ${seedArg}\n`);
    process.exit(2);
  }
  const out = args.find((a) => !a.startsWith('--'));
  const file = ensureTinyGguf({ seed, out: out ? path.resolve(out) : tinyGgufPath(seed), force: true });
  process.stdout.write(`${file}\n`);
}
