/**
 * `harness run --trace` writes the file the studio's JSONL download writes: the events as the
 * document's allocator classes let them leave (kernel traceFileEvents, path file).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromJsonl, WITHHELD } from '../kernel';
import { runCli, type CliIo } from './commands';

function memoryIo(files: Map<string, string>): CliIo {
  return { readFile: (p) => files.get(p) ?? readFileSync(p, 'utf8'), writeFile: (p, text) => void files.set(p, text) };
}

/** The regions example with prompt segments kept out of files too. */
function regionsDoc(fileOff: boolean): string {
  const doc = JSON.parse(readFileSync('public/examples/regions.json', 'utf8')) as { alloc: { classes: Record<string, { export: Record<string, boolean> }> } };
  if (fileOff) doc.alloc.classes['prompt-segment']!.export.file = false;
  return JSON.stringify(doc);
}

const traceOf = async (fileOff: boolean) => {
  const files = new Map([['h.json', regionsDoc(fileOff)]]);
  const r = await runCli(['run', 'h.json', '--trace', 't.jsonl'], memoryIo(files));
  expect(r.stderr).toBe('');
  const read = fromJsonl(files.get('t.jsonl')!);
  if (!read.ok) throw new Error(read.message);
  return read.events;
};

describe('harness run --trace and the allocator file policy', () => {
  it('withholds the texts of a class marked file: false, keeping every event; without the policy they are written', async () => {
    const closed = await traceOf(true);
    const open = await traceOf(false);
    expect(closed.map((e) => e.type)).toEqual(open.map((e) => e.type));
    const answers = (events: typeof open) => events.filter((e) => e.type === 'infer.completed').map((e) => (e as { text: string }).text);
    expect(answers(closed).every((t) => t === WITHHELD)).toBe(true);
    expect(answers(open).some((t) => t.includes('Launch brief'))).toBe(true);
    // Other classes stay: the artifacts written are in the file.
    expect(closed.filter((e) => e.type === 'artifact.written').map((e) => (e as { text: string }).text)).toEqual(open.filter((e) => e.type === 'artifact.written').map((e) => (e as { text: string }).text));
  });
});
