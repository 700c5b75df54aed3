import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fieldEdit, freshVariantId, newExperiment, parseDatasetText, parsePatchText, prepare, toPointer, variantDiff } from './definition';
import { liveReport } from './liveReport';
import { buildReport, type RunRecord } from '../../kernel';

const distractors = JSON.parse(readFileSync('public/examples/distractors.json', 'utf8')) as Record<string, unknown>;

describe('experiment definition in the studio', () => {
  it('turns a field path and a typed value into a patch op: replace where the field exists, add where not', () => {
    expect(toPointer('policy.taint')).toBe('/policy/taint');
    expect(toPointer('agents[0].model')).toBe('/agents/0/model');
    expect(toPointer('/a/b')).toBe('/a/b');
    const doc = { policy: { taint: 'on' }, agents: [{ id: 'x' }] };
    expect(fieldEdit(doc, 'policy.taint', '"off"')).toEqual({ op: 'replace', path: '/policy/taint', value: 'off' });
    expect(fieldEdit(doc, 'agents[0].maxTurns', '3')).toEqual({ op: 'add', path: '/agents/0/maxTurns', value: 3 });
    expect(fieldEdit(doc, 'policy.mode', 'ask')).toEqual({ op: 'add', path: '/policy/mode', value: 'ask' });
    expect(fieldEdit(doc, '  ', '1')).toMatch(/name a field/);
  });

  it('shows a variant as its diff against the base, and a patch that does not apply as its error', () => {
    const base = { a: 1, list: [{ id: 'k' }, { id: 'memo' }, { id: 'z' }], o: { keep: true } };
    expect(variantDiff(base, [])).toEqual([]);
    expect(variantDiff(base, [{ op: 'replace', path: '/a', value: 2 }, { op: 'remove', path: '/list/1' }, { op: 'add', path: '/o/new', value: 'x' }])).toEqual([
      { path: '/a', kind: 'changed', before: 1, after: 2 },
      { path: '/list/1', kind: 'removed', before: { id: 'memo' } },
      { path: '/o/new', kind: 'added', after: 'x' },
    ]);
    expect(variantDiff(base, [{ op: 'test', path: '/a', value: 5 }])).toMatch(/^patch\[0\] at \/a: /);
  });

  it('reads raw JSON Patch and dataset rows, saying what is wrong', () => {
    expect(parsePatchText('[{"op":"remove","path":"/a"}]')).toEqual([{ op: 'remove', path: '/a' }]);
    expect(parsePatchText('{')).toMatch(/^not JSON/);
    expect(parsePatchText('{}')).toMatch(/array of operations/);
    expect(parsePatchText('[{"op":"add"}]')).toBe('[0]: an operation has "op" and "path"');
    expect(parseDatasetText('{"q":"a"}\n{"q":"b"}\n', 'rows.jsonl')).toEqual([{ q: 'a' }, { q: 'b' }]);
    expect(parseDatasetText('q,expected\nhello,world\n', 'rows.csv')).toEqual([{ q: 'hello', expected: 'world' }]);
    expect(parseDatasetText('{"q":', 'rows.jsonl')).toMatch(/rows\.jsonl/);
  });

  it('starts an experiment on the document as it is, and the kernel accepts it', () => {
    const file = newExperiment(distractors, 'mine');
    const p = prepare(file);
    expect(p.ok).toBe(true);
    expect(freshVariantId(file)).toBe('variant');
    expect(freshVariantId({ ...file, variants: [{ id: 'variant', patch: [] }] })).toBe('variant-2');
    const bad = prepare({ ...file, variants: [{ id: 'x', patch: [{ op: 'remove', path: '/nope' }] }] });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.issues[0]!.message).toMatch(/^variants\[0\]\.patch\[0\]/);
  });

  it('reports runs so far as partial, and once every run is in gives the kernel report itself', () => {
    const p = prepare({ ...newExperiment(distractors, 'mine'), variants: [{ id: 'a', patch: [] }, { id: 'b', patch: [] }], seeds: { count: 3 } });
    if (!p.ok) throw new Error('valid');
    const exp = p.experiment;
    const rec = (variant: string, seed: number, pass: boolean): RunRecord => ({ experiment: exp.hash, variant, seed, input: null, stopReason: 'completed', traceHash: 'h', values: { pass, cost: seed, steps: seed, stopReason: 'completed' } });
    const some = [rec('a', 1, true), rec('b', 1, false), rec('a', 2, true)];
    const partial = liveReport(exp, some);
    expect(partial.complete).toBe(false);
    expect(partial.report.variants.map((v) => v.runs)).toEqual([2, 1]);
    const all = [...some, rec('b', 2, true), rec('a', 3, false), rec('b', 3, true)];
    const full = liveReport(exp, all);
    expect(full.complete).toBe(true);
    const built = buildReport(exp, all);
    expect(built.ok && JSON.stringify(full.report) === JSON.stringify(built.report)).toBe(true);
  });
});
