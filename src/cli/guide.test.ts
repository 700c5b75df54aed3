/**
 * public/guide.md and public/llms.txt (what agents read to build harnesses) stay true of the
 * code: each field table marked `<!-- schema: X -->` lists exactly the fields (or kinds) the
 * harness schema has there, the CLI synopsis equals `harness --help`'s, the first harness in the
 * guide is valid and runs to `completed`, and llms.txt lists every shipped example and links
 * only to files that are shipped.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { harnessJsonSchema } from '../kernel';
import { USAGE, runCli, type CliIo } from './commands';

const guide = readFileSync('public/guide.md', 'utf8');
const llms = readFileSync('public/llms.txt', 'utf8');

type Json = { properties?: Record<string, Json>; items?: Json; oneOf?: Json[]; $ref?: string; const?: string };
const schema = harnessJsonSchema() as Json & { $defs?: Record<string, Json> };
const deref = (s: Json): Json => (s.$ref ? schema.$defs![s.$ref.split('/').pop()!]! : s);
const itemsOf = (field: string): Json => deref(schema.properties![field]!.items!);
const kinds = (variants: Json[], key: string): string[] => variants.map((v) => deref(v).properties![key]!.const!);

/** What the schema has at each marked table: field names, or the kinds of a union. */
function schemaNames(marker: string): string[] {
  switch (marker) {
    case '(root)':
      return Object.keys(schema.properties!);
    case 'behaviour':
      return kinds(itemsOf('agents').properties!.behaviour!.items!.oneOf!, 'op');
    case 'impl':
      return kinds(itemsOf('tools').properties!.impl!.oneOf!, 'kind');
    case 'when':
      return kinds(deref(itemsOf('goals').properties!.when!).oneOf!, 'kind');
    default:
      return Object.keys(itemsOf(marker).properties!);
  }
}

/** The names in the first column of the table after `<!-- schema: marker -->` (`a`, `b` in one cell name two). */
function tableNames(marker: string): string[] {
  const at = guide.indexOf(`<!-- schema: ${marker} -->`);
  if (at < 0) throw new Error(`public/guide.md has no <!-- schema: ${marker} --> table`);
  const lines = guide.slice(at).split('\n').slice(1);
  const rows = lines.slice(2, lines.findIndex((l, i) => i > 0 && !l.startsWith('|')));
  return rows.flatMap((row) => [...row.split('|')[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
}

describe('public/guide.md', () => {
  const markers = [...guide.matchAll(/<!-- schema: ([^ ]+) -->/g)].map((m) => m[1]!);
  it('has a field table for the document and each part of it', () => {
    expect(markers).toEqual(['(root)', 'models', 'agents', 'behaviour', 'tools', 'impl', 'stores', 'channels', 'goals', 'when']);
  });
  for (const marker of markers) {
    it(`lists exactly the schema's ${marker === '(root)' ? 'top-level fields' : marker}`, () => {
      const listed = tableNames(marker);
      const actual = schemaNames(marker);
      expect(actual.filter((n) => !listed.includes(n)), `public/guide.md: describe these in the <!-- schema: ${marker} --> table`).toEqual([]);
      expect(listed.filter((n) => !actual.includes(n)), `public/guide.md: the <!-- schema: ${marker} --> table names what the schema does not have`).toEqual([]);
    });
  }

  it("shows the CLI synopsis exactly as `harness --help` prints it", () => {
    const block = /<!-- cli: usage -->\n```text\n([\s\S]*?)```/.exec(guide)![1]!;
    const synopsis = USAGE.split('\n\n')[0]!.split('\n').slice(1).map((l) => l.slice(2)).join('\n');
    expect(block.trimEnd()).toBe(synopsis.trimEnd());
  });

  it('has a first harness that is valid and runs to completed', async () => {
    const doc = /```json\n([\s\S]*?)```/.exec(guide)![1]!;
    const io: CliIo = { readFile: (p) => (p === 'hello.json' ? doc : readFileSync(p, 'utf8')), writeFile: () => {} };
    expect(await runCli(['validate', 'hello.json'], io)).toMatchObject({ code: 0 });
    const run = await runCli(['run', 'hello.json', '--json'], io);
    expect(JSON.parse(run.stdout)).toMatchObject({ stopReason: 'completed', goals: { greeted: true } });
  });

  it('links only to files the studio serves', () => {
    for (const [, href] of guide.matchAll(/\]\(([^)#]+)\)/g)) expect(existsSync(`public/${href}`), href).toBe(true);
  });
});

describe('public/llms.txt', () => {
  it('follows the llms.txt layout: a title, a summary, then sections of links', () => {
    expect(llms).toMatch(/^# Harness Studio\n\n> \S/);
    expect([...llms.matchAll(/^## (.+)$/gm)].map((m) => m[1])).toEqual(['Docs', 'Examples', 'Optional']);
  });

  it('lists every shipped example with what the studio says of it', () => {
    const index = JSON.parse(readFileSync('public/examples/index.json', 'utf8')) as { file: string; name: string; about: string }[];
    const section = llms.split('## Examples\n')[1]!.split('\n## ')[0]!.trim();
    expect(section).toBe(index.map((e) => `- [${e.name}](examples/${e.file}): ${e.about}`).join('\n'));
  });

  it('links only to files the studio serves', () => {
    const links = [...llms.matchAll(/\]\(([^)]+)\)/g)].map((m) => m[1]!);
    expect(links).toContain('guide.md');
    for (const href of links) expect(existsSync(`public/${href}`), href).toBe(true);
  });
});
