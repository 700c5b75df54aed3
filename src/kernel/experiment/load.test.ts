import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadExperiment } from './load';

const distractors = JSON.parse(readFileSync('public/examples/distractors.json', 'utf8')) as Record<string, unknown>;
const read = (files: Record<string, string>) => (p: string) => {
  if (!(p in files)) throw new Error(`no such file ${p}`);
  return files[p]!;
};
const good = {
  version: 1,
  name: 'memo',
  base: 'base.json',
  variants: [{ id: 'a' }, { id: 'b', patch: [{ op: 'remove', path: '/stores/0/documents/1' }] }],
  seeds: { count: 4 },
};
const messages = (exp: unknown, files: Record<string, string> = { 'base.json': JSON.stringify(distractors) }) => {
  const r = loadExperiment(exp, read(files));
  return r.ok ? [] : r.issues.map((i) => i.message);
};

describe('loadExperiment', () => {
  it('reads the base by path, builds each variant and fills the default metrics', () => {
    const r = loadExperiment(good, read({ 'base.json': JSON.stringify(distractors) }));
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const exp = r.experiment;
    expect(exp.variants).toEqual(['a', 'b']);
    expect(exp.inputs).toEqual([null]);
    expect(exp.spec('a', null).stores[0]!.documents).toHaveLength(3);
    expect(exp.spec('b', null).stores[0]!.documents).toHaveLength(2);
    expect(exp.metrics.map((m) => m.id)).toEqual(['pass', 'cost', 'tokensIn', 'tokensOut', 'steps', 'time', 'stopReason']);
    expect(exp.hash).toMatch(/^[0-9a-f]{16}$/);
    // The hash is of the resolved file: an inline base with the same document hashes the same.
    const inline = loadExperiment({ ...good, base: distractors }, read({}));
    expect(inline.ok && inline.experiment.hash).toBe(exp.hash);
  });
  it('says where a file is wrong', () => {
    expect(messages({ ...good, seeds: { count: 0 } })[0]).toMatch(/^seeds/);
    expect(messages({ ...good, variants: [{ id: 'a' }, { id: 'a' }] })).toEqual(['variants[1].id: variant "a" is already defined at variants[0].id']);
    expect(messages({ ...good, variants: [{ id: 'a', patch: [{ op: 'replace', path: '/stores/0/documents/1/text', value: 'x' }, { op: 'remove', path: '/agents/5' }] }] })).toEqual([
      'variants[0].patch[1]: variant "a": remove /agents/5: index 5 is past the end of an array of 1',
    ]);
    expect(messages({ ...good, variants: [{ id: 'a', patch: [{ op: 'replace', path: '/agents/0/model', value: 'gpt' }] }] })[0]).toMatch(/^variants\[0\]: variant "a" is not a valid harness document: agents\[0\]\.model/);
    expect(messages({ ...good, base: 'missing.json' })).toEqual(['base: cannot read missing.json: no such file missing.json']);
    expect(messages({ ...good, metrics: [{ kind: 'goal', goal: 'nope' }] })).toContain('metrics[0].goal: variant "a" has no goal "nope"');
    expect(messages({ ...good, expect: [{ metric: 'pass', better: 'c', than: 'a' }] })).toEqual(['expect[0].better: no variant "c" (variants: a, b)']);
    expect(messages({ ...good, expect: [{ metric: 'stopReason', better: 'b', than: 'a' }] })[0]).toMatch(/expect\[0\]\.metric: metric "stopReason" is a stopReason metric/);
    expect(messages({ ...good, passAtK: [5] })).toEqual(['passAtK[0]: pass@5 needs at least 5 seeds per input; the experiment runs 4']);
    expect(messages({ ...good, colour: 'red' })[0]).toMatch(/unknown field colour/);
    expect(messages('{ "version": 1,')[0]).toMatch(/not valid JSON/);
  });
  it('binds dataset rows from CSV into each document, and names a row that lacks a field', () => {
    const dataset = { file: 'rows.csv', id: 'id', bind: [{ op: 'replace', path: '/agents/0/systemPrompt', value: 'Find {{what}} and write it down.' }] };
    const r = loadExperiment({ ...good, dataset }, read({ 'base.json': JSON.stringify(distractors), 'rows.csv': 'id,what\nq1,the launch date\nq2,"the board, its day"\n' }));
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.experiment.inputs).toEqual(['q1', 'q2']);
    expect(r.experiment.spec('b', 'q2').agents[0]!.systemPrompt).toBe('Find the board, its day and write it down.');
    expect(messages({ ...good, dataset: { ...dataset, file: 'rows.jsonl' } }, { 'base.json': JSON.stringify(distractors), 'rows.jsonl': '{"id":"q1","what":"x"}\n{"id":"q2"}\n' })).toEqual([
      'dataset.file rows.jsonl row 2: no field "what" for {{what}} in dataset.bind',
    ]);
    expect(messages({ ...good, dataset: { ...dataset, file: 'rows.jsonl' } }, { 'base.json': JSON.stringify(distractors), 'rows.jsonl': '{"id":"q1","what":"x"}\n[1]\n' })).toEqual([
      'dataset.file: rows.jsonl line 2: expected a JSON object (one row), found an array',
    ]);
  });
});
