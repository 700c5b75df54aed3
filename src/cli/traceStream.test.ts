/**
 * `run --trace` streams the JSONL file in pieces of whole lines instead of building one string of
 * the whole trace; the file is the same, and secrets are redacted in every piece.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jsonlChunks, toJsonl, type KernelEvent } from '../kernel';
import { runCli, type CliIo } from './commands';

const EXAMPLE = readFileSync('public/examples/research-team.json', 'utf8');

function streamingIo(doc: string): CliIo & { pieces: string[]; whole: string[] } {
  const pieces: string[] = [];
  const whole: string[] = [];
  return {
    pieces, whole,
    readFile: () => doc,
    writeFile: (_path, text) => void whole.push(text),
    writeChunks: (_path, chunks) => {
      for (const c of chunks) pieces.push(c);
    },
  };
}

describe('trace streaming', () => {
  it('jsonlChunks cuts a trace into pieces of whole lines that join to toJsonl', () => {
    const events = Array.from({ length: 50 }, (_, seq) => ({ seq, t: seq, run: 'r', type: 'goal.met', goal: `g${seq}` }) as unknown as KernelEvent);
    const pieces = [...jsonlChunks(events, 200)];
    expect(pieces.length).toBeGreaterThan(5);
    for (const p of pieces) expect(p.endsWith('\n')).toBe(true);
    expect(pieces.join('')).toBe(toJsonl(events));
  });

  it('run --trace hands the file to writeChunks piece by piece, the same bytes as before', async () => {
    const io = streamingIo(EXAMPLE);
    const r = await runCli(['run', 'h.json', '--seed', '2', '--trace', 'out.jsonl', '--json'], io);
    expect(r.code).toBe(0);
    expect(io.whole).toEqual([]);
    const text = io.pieces.join('');
    const lines = text.trimEnd().split('\n').map((l) => JSON.parse(l) as KernelEvent);
    expect(lines.map((e) => e.seq)).toEqual(lines.map((_, i) => i));
    expect(text).toBe(toJsonl(lines));
    expect(JSON.parse(r.stdout).events).toBe(lines.length);
  });

  it('redacts a declared secret in every streamed piece', async () => {
    const doc = JSON.parse(readFileSync('public/examples/injection.json', 'utf8')) as Record<string, any>;
    const vault = doc.tools.find((t: { id: string }) => t.id === 'vault_read');
    vault.impl.result = 'sk-live-STREAMED-77';
    vault.secret = true;
    doc.policy.taint = 'off';
    const io = streamingIo(JSON.stringify(doc));
    await runCli(['run', 'h.json', '--trace', 'out.jsonl'], io);
    expect(io.pieces.length).toBeGreaterThan(0);
    expect(io.pieces.join('')).not.toContain('sk-live-STREAMED-77');
    expect(io.pieces.join('')).toContain('[secret redacted]');
  });
});
