import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { ALIGNMENT, CHAT_TEMPLATE, GGML_TYPE, TOKEN_TYPE, makeTinyGguf, tensorBytes } from './make-tiny-gguf.mjs';
import { GgufError, checkGgufMagic, describeGguf, parseGguf } from '../src/providers/local/gguf';

const make = makeTinyGguf as (o?: { seed?: number; shape?: Record<string, number> }) => Uint8Array;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('make-tiny-gguf', () => {
  const bytes = make({ seed: 1 });
  const g = parseGguf(bytes, 'tiny.gguf');

  it('writes a GGUF v3 header with the counts it holds', () => {
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('GGUF');
    expect(g.version).toBe(3);
    expect(g.tensorCount).toBe(3 + 2 * 9);
    expect(g.tensors).toHaveLength(g.tensorCount);
    expect(bytes.length).toBeGreaterThan(100_000);
    expect(bytes.length).toBeLessThan(400_000);
  });

  it('carries the llama keys llama.cpp needs, a real vocabulary and a chat template', () => {
    const m = g.metadata;
    expect(m['general.architecture']).toBe('llama');
    expect(m['llama.embedding_length']).toBe(64);
    expect(m['llama.block_count']).toBe(2);
    expect(m['llama.feed_forward_length']).toBe(192);
    expect(m['llama.feed_forward_length'] as number % 32).toBe(0);
    expect(m['llama.attention.head_count']).toBe(4);
    expect(m['llama.attention.head_count_kv']).toBe(2);
    expect(m['llama.rope.dimension_count']).toBe(16);
    expect(m['tokenizer.ggml.model']).toBe('llama');
    expect(m['tokenizer.chat_template']).toBe(CHAT_TEMPLATE);
    const tokens = m['tokenizer.ggml.tokens'] as string[];
    const types = m['tokenizer.ggml.token_type'] as number[];
    const scores = m['tokenizer.ggml.scores'] as number[];
    expect(tokens.length).toBe(m['llama.vocab_size']);
    expect(types).toHaveLength(tokens.length);
    expect(scores).toHaveLength(tokens.length);
    expect(new Set(tokens).size).toBe(tokens.length);
    expect(tokens.slice(0, 3)).toEqual(['<unk>', '<s>', '</s>']);
    // Every byte has a fallback token, so any text tokenizes.
    for (let b = 0; b < 256; b++) expect(types[tokens.indexOf(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`)]).toBe(TOKEN_TYPE.BYTE);
    expect(tokens[m['tokenizer.ggml.bos_token_id'] as number]).toBe('<s>');
    expect(tokens[m['tokenizer.ggml.eos_token_id'] as number]).toBe('<|im_end|>');
    expect(types[tokens.indexOf('<|im_start|>')]).toBe(TOKEN_TYPE.CONTROL);
    expect(describeGguf(g)).toEqual({ architecture: 'llama', name: 'harness-tiny-random-s1', contextLength: 2048, vocabSize: tokens.length });
  });

  it('lays the tensors out with llama.cpp names, shapes, types and 32-byte alignment', () => {
    const vocab = g.metadata['llama.vocab_size'] as number;
    const by = new Map(g.tensors.map((t) => [t.name, t]));
    expect(by.get('token_embd.weight')).toMatchObject({ dims: [64, vocab], type: GGML_TYPE.Q8_0 });
    expect(by.get('output.weight')).toMatchObject({ dims: [64, vocab], type: GGML_TYPE.Q8_0 });
    expect(by.get('output_norm.weight')).toMatchObject({ dims: [64], type: GGML_TYPE.F32 });
    for (const l of [0, 1]) {
      expect(by.get(`blk.${l}.attn_q.weight`)?.dims).toEqual([64, 64]);
      expect(by.get(`blk.${l}.attn_k.weight`)?.dims).toEqual([64, 32]);
      expect(by.get(`blk.${l}.attn_v.weight`)?.dims).toEqual([64, 32]);
      expect(by.get(`blk.${l}.attn_output.weight`)?.dims).toEqual([64, 64]);
      expect(by.get(`blk.${l}.ffn_gate.weight`)?.dims).toEqual([64, 192]);
      expect(by.get(`blk.${l}.ffn_up.weight`)?.dims).toEqual([64, 192]);
      expect(by.get(`blk.${l}.ffn_down.weight`)?.dims).toEqual([192, 64]);
      expect(by.get(`blk.${l}.attn_norm.weight`)).toMatchObject({ dims: [64], type: GGML_TYPE.F32 });
    }
    expect(g.dataOffset % ALIGNMENT).toBe(0);
    // Each tensor starts aligned, right after the previous one's padded end; the file ends with the last.
    let expected = 0;
    for (const t of g.tensors) {
      expect(t.offset).toBe(expected);
      expected = Math.ceil((t.offset + (tensorBytes(t.dims, t.type) as number)) / ALIGNMENT) * ALIGNMENT;
    }
    expect(bytes.length).toBe(g.dataOffset + expected);
    // Norm weights are ones; a Q8_0 block starts with its f16 scale (2^-6 for the embedding).
    const norm = by.get('output_norm.weight')!;
    expect(new DataView(bytes.buffer).getFloat32(g.dataOffset + norm.offset, true)).toBe(1);
    expect(new DataView(bytes.buffer).getUint16(g.dataOffset + by.get('token_embd.weight')!.offset, true)).toBe(9 << 10);
  });

  it('is deterministic: the same seed gives the same bytes, another seed other weights only', () => {
    expect(sha(make({ seed: 1 }))).toBe(sha(bytes));
    expect(sha(bytes)).toBe('2094b7f58b1e73ced321ade3cae364a3e005e5a95f58bb5e41cbc1a765e8126a');
    const other = make({ seed: 2 });
    expect(other.length).toBe(bytes.length);
    expect(sha(other)).not.toBe(sha(bytes));
    expect(parseGguf(other).tensors).toEqual(g.tensors);
  });

  it('refuses a Q8_0 row that is not a multiple of 32 (llama.cpp would)', () => {
    expect(() => make({ shape: { ff: 100 } })).toThrow(/multiple of 32/);
  });
});

describe('the GGUF reader says why a file is unusable', () => {
  const good = make({ seed: 1 });
  it('names the magic it found', () => {
    expect(() => checkGgufMagic(new TextEncoder().encode('{"model": 1}'), 'notes.json')).toThrow(/notes\.json is not a GGUF model: it starts with "\{\\"mo".*looks like JSON/);
    expect(() => checkGgufMagic(new Uint8Array([0x50, 0x4b, 3, 4, 0, 0, 0, 0]), 'm.zip')).toThrow(/zip archive/);
  });
  it('names an unsupported version and a too-short file', () => {
    const v9 = good.slice(0, 64);
    new DataView(v9.buffer).setUint32(4, 9, true);
    expect(() => checkGgufMagic(v9, 'new.gguf')).toThrow('new.gguf is GGUF version 9; this engine reads versions 2 and 3.');
    expect(() => checkGgufMagic(new Uint8Array(3), 'x.gguf')).toThrow(/3 bytes long/);
  });
  it('calls a file cut short truncated, at any cut', () => {
    for (const cut of [20, 500, 12_000, good.length - 1000]) {
      expect(() => parseGguf(good.subarray(0, cut), 'cut.gguf')).toThrow(GgufError);
      expect(() => parseGguf(good.subarray(0, cut), 'cut.gguf')).toThrow(/truncated/);
    }
  });
});
