import { readdirSync, readFileSync } from 'node:fs';
import { Validator, type Schema } from '@cfworker/json-schema';
import { describe, expect, it } from 'vitest';
import { harnessJsonSchema, migrate, parseHarness, type MigrationTable } from './index';

const example = JSON.parse(readFileSync(new URL('../../../public/examples/research-team.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const clone = (): Record<string, any> => JSON.parse(JSON.stringify(example));
const issuesOf = (input: unknown) => {
  const r = parseHarness(input);
  if (r.ok) throw new Error('expected issues');
  return r.issues;
};

describe('parseHarness', () => {
  it('accepts the example and fills defaults', () => {
    const r = parseHarness(example);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.spec.policy.mode).toBe('auto');
  });

  it('names the JSON path, what was expected and what was found', () => {
    const doc = clone();
    doc.agents[1].temperature = 'hot';
    expect(issuesOf(doc)).toContainEqual(expect.objectContaining({ path: 'agents[1].temperature', expected: 'number', found: '"hot"' }));
    expect(issuesOf(doc)[0]!.message).toBe('agents[1].temperature: expected number, found "hot"');
  });

  it('reports an unknown enum value with the allowed ones', () => {
    const doc = clone();
    doc.tools[0].sideEffect = 'explosive';
    const [issue] = issuesOf(doc);
    expect(issue!.path).toBe('tools[0].sideEffect');
    expect(issue!.message).toContain('"privileged"');
  });

  it('reports a missing field', () => {
    const doc = clone();
    delete doc.agents[0].model;
    expect(issuesOf(doc)).toContainEqual(expect.objectContaining({ path: 'agents[0].model', found: 'nothing' }));
  });

  it('reports an unknown version', () => {
    expect(issuesOf({ ...clone(), version: 7 })).toEqual([expect.objectContaining({ path: 'version', found: '7' })]);
    expect(issuesOf({ ...clone(), version: undefined })[0]!.message).toBe('version: expected the integer 1, found nothing');
  });

  it('reports a dangling reference: a channel to a deleted agent', () => {
    const doc = clone();
    doc.agents = doc.agents.filter((a: { id: string }) => a.id !== 'writer');
    const issues = issuesOf(doc);
    expect(issues).toContainEqual(expect.objectContaining({ path: 'channels[1].to', found: '"writer"' }));
    expect(issues.find((i) => i.path === 'channels[1].to')!.message).toBe('channels[1].to: expected the id of an agent, found "writer", which does not exist');
  });

  it('reports every problem in one pass: a structural error hides no reference error', () => {
    const doc = clone();
    delete doc.channels[0].id;
    doc.channels[1].to = 'ghost';
    doc.agents[0].model = 'gpt-9';
    expect(issuesOf(doc).map((i) => i.path)).toEqual(['channels[0].id', 'agents[0].model', 'channels[1].to']);
  });

  it('checks the references of a broken entity too, and reports a broken field once', () => {
    const doc = clone();
    doc.channels[0] = { from: 'planner', to: 'nobody' }; // no id, and a dangling "to"
    doc.agents[1].model = 42; // wrong type: the schema says so, no "does not exist" on top
    doc.agents[2].id = 'planner-'.repeat(10); // too long, and its references (the channels to "writer") now dangle
    const issues = issuesOf(doc);
    expect(issues.map((i) => i.path)).toEqual(expect.arrayContaining(['channels[0].id', 'channels[0].to', 'agents[1].model', 'agents[2].id']));
    expect(issues.filter((i) => i.path === 'agents[1].model')).toHaveLength(1);
    for (const bad of [{ ...clone(), agents: 'no' }, { ...clone(), goals: [null, 3, { when: 'x' }] }, { ...clone(), policy: [] }]) expect(() => parseHarness(bad)).not.toThrow();
  });

  it('reports duplicate ids across entity kinds', () => {
    const doc = clone();
    doc.tools[0].id = 'planner';
    expect(issuesOf(doc)).toContainEqual(expect.objectContaining({ path: 'tools[0].id', message: expect.stringContaining('already used by the agent at agents[0].id') }));
  });

  it('reports a deadline agent without its parameters, at each missing field', () => {
    const doc = clone();
    doc.agents[2].sched = { class: 'deadline', runtime: 50 };
    const paths = issuesOf(doc).map((i) => i.path);
    expect(paths).toEqual(['agents[2].sched.deadline', 'agents[2].sched.period']);
    doc.agents[2].sched = { class: 'deadline', runtime: 50, deadline: 3000, period: 2000 };
    expect(issuesOf(doc)[0]!.message).toBe('agents[2].sched.deadline: expected at most the period (2000 ms), found 3000 ms');
  });

  it('reports a deadline runtime the model cannot serve within the deadline, at runtime', () => {
    // sim-small decodes 80 tokens/s: 1000 ms hold 80 tokens, so 100 tokens (1250 ms) break runtime ≤ deadline.
    const doc = clone();
    doc.agents[2].sched = { class: 'deadline', runtime: 100, deadline: 1000, period: 2000 };
    expect(issuesOf(doc)).toEqual([
      expect.objectContaining({ path: 'agents[2].sched.runtime', message: 'agents[2].sched.runtime: expected at most what the deadline allows (80 tokens in 1000 ms at 80 tokens/s), found 100 tokens (1250 ms)' }),
    ]);
    doc.agents[2].sched.runtime = 80;
    expect(parseHarness(doc).ok).toBe(true);
  });

  it('reports JSON syntax errors with line and column and never throws', () => {
    const [issue] = issuesOf('{\n  "version": 1,\n  "name": }');
    expect(issue!.message).toMatch(/^not valid JSON at line 3, column \d+/);
    for (const bad of [null, 42, [], 'x', { version: 1 }, { version: 1, name: 'n', agents: 'no' }]) expect(() => parseHarness(bad)).not.toThrow();
  });

  it('lifts older documents through the migration hook, one version at a time', () => {
    // a future version 3 whose table knows 1 → 2 (rename title → name) and 2 → 3 (add a field)
    const table: MigrationTable = { 1: ({ title, ...d }) => ({ ...d, name: title }), 2: (d) => ({ ...d, added: true }) };
    const r = migrate({ version: 1, title: 'Old' }, table, 3);
    expect(r).toEqual({ ok: true, from: 1, doc: { version: 3, name: 'Old', added: true } });
    expect(migrate({ version: 1 }, {}, 2)).toMatchObject({ ok: false, issue: { path: 'version', message: 'version: no migration from version 1 to 2' } });
    expect(issuesOf({ ...clone(), version: 0 })[0]!.path).toBe('version');
  });
});

describe('the JSON Schema', () => {
  it('accepts every example, and requires what a class requires (deadline: runtime, deadline, period)', () => {
    const validator = new Validator(harnessJsonSchema() as Schema, '2020-12', false);
    const dir = new URL('../../../public/examples/', import.meta.url);
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.json') && n !== 'index.json')) {
      expect({ f, errors: validator.validate(JSON.parse(readFileSync(new URL(f, dir), 'utf8'))).errors }).toEqual({ f, errors: [] });
    }
    const doc = clone();
    doc.agents[2].sched = { class: 'deadline', runtime: 50, deadline: 1000 };
    expect(validator.validate(doc).valid).toBe(false);
    doc.agents[2].sched.period = 2000;
    expect(validator.validate(doc).valid).toBe(true);
  });

  it('describes every top-level entity of the document', () => {
    const schema = harnessJsonSchema() as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['version', 'models', 'agents', 'tools', 'stores', 'channels', 'policy', 'goals', 'layout']));
  });
});
