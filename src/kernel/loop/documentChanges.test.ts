import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Kernel } from '../kernel';
import { parseHarness, type HarnessSpec } from '../spec';
import { asRunId } from '../ids';
import { documentChanges } from './documentChanges';
import { editDigest } from './editState';

const raw = JSON.parse(readFileSync('public/examples/research-team.json', 'utf8')) as { agents: { id: string; systemPrompt?: string }[] };
const parse = (doc: unknown): HarnessSpec => {
  const r = parseHarness(doc);
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('\n'));
  return r.spec;
};
const withPrompt = (id: string, system: string) => ({ ...raw, agents: raw.agents.map((a) => (a.id === id ? { ...a, systemPrompt: system } : a)) });

describe('documentChanges', () => {
  it('names a changed prompt by the agent id, with both values', () => {
    const writer = raw.agents[raw.agents.length - 1]!.id;
    const changes = documentChanges(parse(raw), parse(withPrompt(writer, 'Write one line.')));
    expect(changes).toEqual([{ path: `agents[id=${writer}].systemPrompt`, before: JSON.stringify(parse(raw).agents.find((a) => a.id === writer)!.systemPrompt), after: '"Write one line."' }]);
  });

  it('matches list entries by id: an agent inserted first is one change, not a change of every agent after it', () => {
    const first = raw.agents[0]!;
    const more = { ...raw, agents: [{ ...first, id: 'extra' }, ...raw.agents] };
    const changes = documentChanges(raw, more);
    expect(changes.map((c) => c.path)).toEqual(['agents[id=extra]']);
    expect(changes[0]!.before).toBe('');
  });

  it('finds nothing in the same document', () => {
    expect(documentChanges(parse(raw), parse(raw))).toEqual([]);
  });
});

describe('a fork with document changes', () => {
  it('records one human.edited per changed place right after run.forked, and replays to the same events', async () => {
    const spec = parse(raw);
    const parent = Kernel.create(spec, { runId: asRunId('p'), seed: 1 });
    await parent.runUntil({ maxEvents: 40 });
    const writer = raw.agents[raw.agents.length - 1]!.id;
    const edited = parse(withPrompt(writer, 'Write one line.'));
    const changes = documentChanges(spec, edited);
    const fork = Kernel.fork(parent.events, edited, { runId: asRunId('f'), seed: 1, parent: { run: 'p', seq: 30 }, documentChanges: changes });
    const after = fork.events.slice(31, 33);
    expect(after[0]!.type).toBe('run.forked');
    expect(after[1]).toMatchObject({ type: 'human.edited', target: `document agents[id=${writer}].systemPrompt`, after: editDigest('"Write one line."'), edit: { kind: 'document.edited', path: `agents[id=${writer}].systemPrompt` } });
    await fork.runUntil({});
    const again = Kernel.restore(fork.events.slice(0, 33), edited, { runId: asRunId('f'), seed: 1 });
    await again.runUntil({});
    expect(again.traceHash()).toBe(fork.traceHash());
  });

  it('refuses document changes for a document that did not change', async () => {
    const spec = parse(raw);
    const parent = Kernel.create(spec, { runId: asRunId('p'), seed: 1 });
    await parent.runUntil({ maxEvents: 10 });
    expect(() => Kernel.fork(parent.events, spec, { runId: asRunId('f'), seed: 1, parent: { run: 'p', seq: 5 }, documentChanges: [{ path: 'name', before: '"a"', after: '"b"' }] })).toThrow(/do not change the document/);
  });
});
