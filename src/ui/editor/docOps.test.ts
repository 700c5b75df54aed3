import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { create } from 'zustand';
import { parseHarness } from '../../kernel';
import type { StudioState } from '../../store';
import { createDocumentSlice } from '../../store/documentSlice';
import { createCanvasViewSlice } from '../../store/canvasViewSlice';
import { createRunSlice } from '../../store/runSlice';
import { entities, findEntity, layoutPositions } from './docModel';
import { addGoal, addNode, addRule, addScope, connect, deleteEdges, deleteEntities, deleteGoal, deleteRule, deleteScope, findRule, getIn, parseEdgeId, edgeId, setIn, setPolicyField, updateRule } from './docOps';
import { renameId } from './renameId';

const example = (): unknown => JSON.parse(readFileSync(new URL('../../../public/examples/research-team.json', import.meta.url), 'utf8'));

describe('setIn / getIn', () => {
  it('sets nested values immutably and removes on undefined', () => {
    const a = { x: { y: 1 }, list: [{ z: 1 }] };
    const b = setIn(a, ['list', 0, 'z'], 2);
    expect(getIn(b, ['list', 0, 'z'])).toBe(2);
    expect(a.list[0]!.z).toBe(1);
    expect(setIn(a, ['x', 'y'], undefined)).toEqual({ x: {}, list: [{ z: 1 }] });
  });
});

describe('adding nodes', () => {
  it('gives unique ids and stores the position', () => {
    const first = addNode(example(), 'agent', { x: 10.4, y: 20 });
    const second = addNode(first.doc, 'agent', { x: 0, y: 0 });
    expect(first.id).toBe('agent-2');
    expect(second.id).toBe('agent-3');
    expect(layoutPositions(second.doc).get('agent-2')).toEqual({ x: 10, y: 20 });
    expect(parseHarness(second.doc).ok).toBe(true);
  });
  it('works on an empty or invalid document', () => {
    const { doc, id } = addNode('not json', 'tool', { x: 0, y: 0 });
    expect(findEntity(doc, id)?.kind).toBe('tool');
  });
});

describe('deleting', () => {
  it('removes an agent with its channels, store ownership and layout, leaving content references dangling', () => {
    const doc = deleteEntities(example(), ['researcher']);
    expect(entities(doc, 'agent').map((a) => a.id)).toEqual(['planner', 'writer']);
    expect(entities(doc, 'channel').map((c) => c.id)).toEqual(['plan-to-write']);
    expect(findEntity(doc, 'notes')?.value.owner).toBeUndefined();
    expect(layoutPositions(doc).has('researcher')).toBe(false);
    const result = parseHarness(doc);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((i) => i.path)).toContain('agents[0].behaviour[1].to');
  });
  it('removes capabilities pointing at a deleted tool', () => {
    const doc = deleteEntities(example(), ['web_search']);
    const researcher = findEntity(doc, 'researcher')!;
    expect(researcher.value.capabilities).toEqual([{ target: 'notes', access: 'readwrite' }]);
  });
  it('deletes edges by their ids', () => {
    const ids = ['channel:plan-to-write', 'cap:0:researcher', 'model:writer'];
    const doc = deleteEdges(example(), ids.map((id) => parseEdgeId(id)!));
    expect(entities(doc, 'channel')).toHaveLength(2);
    expect(findEntity(doc, 'researcher')!.value.capabilities).toEqual([{ target: 'notes', access: 'readwrite' }]);
    expect(findEntity(doc, 'writer')!.value.model).toBeUndefined();
    for (const id of ids) expect(edgeId(parseEdgeId(id)!)).toBe(id);
  });
});

describe('connecting', () => {
  it('agent → agent creates a channel', () => {
    const r = connect(example(), 'writer', 'planner')!;
    expect(r.label).toBe('Connect writer → planner');
    expect(entities(r.doc, 'channel').at(-1)?.value).toEqual({ id: 'writer-to-planner', from: 'writer', to: 'planner', kind: 'message' });
    expect(connect(r.doc, 'writer', 'planner')).toBeNull();
  });
  it('agent → tool or store adds a capability; agent → model sets the model', () => {
    let doc = connect(example(), 'planner', 'web_search')!.doc;
    doc = connect(doc, 'planner', 'corpus')!.doc;
    expect(findEntity(doc, 'planner')!.value.capabilities).toEqual([{ target: 'web_search', access: 'use' }, { target: 'corpus', access: 'readwrite' }]);
    const { doc: withModel } = addNode(doc, 'model', { x: 0, y: 0 });
    expect(findEntity(connect(withModel, 'planner', 'model-2')!.doc, 'planner')!.value.model).toBe('model-2');
  });
  it('refuses connections that do not start at an agent', () => {
    expect(connect(example(), 'web_search', 'planner')).toBeNull();
    expect(connect(example(), 'planner', 'planner')).toBeNull();
  });
});

describe('renaming ids', () => {
  it('updates every reference', () => {
    const r = renameId(example(), 'researcher', 'scout');
    if (!r.ok) throw new Error(r.message);
    const text = JSON.stringify(r.doc);
    expect(text).not.toContain('"researcher"');
    expect(layoutPositions(r.doc).has('scout')).toBe(true);
    expect(parseHarness(r.doc).ok).toBe(true);
  });
  it('renames models, tools and stores with their references', () => {
    let doc: unknown = example();
    for (const [from, to] of [['sim-small', 'cpu'], ['web_search', 'search'], ['corpus', 'web']] as const) {
      const r = renameId(doc, from, to);
      if (!r.ok) throw new Error(r.message);
      doc = r.doc;
    }
    expect(parseHarness(doc).ok).toBe(true);
  });
  it('refuses an id already in use', () => {
    expect(renameId(example(), 'planner', 'writer')).toEqual({ ok: false, message: 'The id "writer" is already in use.' });
  });
});

describe('policy edits', () => {
  const policyOf = (doc: unknown) => (doc as { policy?: { mode?: string; taint?: string; requireSigned?: boolean; scopes?: { id: string; level: string; rules: { id: string; effect: string; match: string }[] }[] } }).policy;

  it('adds scopes in level order with unique ids', () => {
    let doc = addScope(example(), 'user').doc;
    doc = addScope(doc, 'org').doc;
    const second = addScope(doc, 'user');
    doc = addScope(second.doc, 'project').doc;
    expect(second.id).toBe('user-2');
    expect(policyOf(doc)!.scopes!.map((s) => `${s.level}:${s.id}`)).toEqual(['org:org', 'project:project', 'user:user', 'user:user-2']);
    expect(parseHarness(doc).ok).toBe(true);
  });

  it('adds, edits and deletes rules by id', () => {
    const scoped = addScope(example(), 'project').doc;
    const first = addRule(scoped, 'project', { effect: 'deny', match: 'web_search(*.example.com)' })!;
    const second = addRule(first.doc, 'project', { effect: 'deny', match: 'web_search' })!;
    expect([first.id, second.id]).toEqual(['deny-web_search', 'deny-web_search-2']);
    expect(addRule(scoped, 'nowhere', { effect: 'allow', match: 'x' })).toBeNull();
    expect(findRule(second.doc, 'deny-web_search-2')).toEqual({ scope: 0, rule: 1 });

    const edited = updateRule(second.doc, 'deny-web_search', { effect: 'ask', match: 'web_search(*)' });
    expect(policyOf(edited)!.scopes![0]!.rules[0]).toEqual({ id: 'deny-web_search', effect: 'ask', match: 'web_search(*)' });
    expect(updateRule(edited, 'deny-web_search', { effect: 'ask' })).toBe(edited);
    expect(updateRule(edited, 'missing', { effect: 'deny' })).toBe(edited);

    const fewer = deleteRule(edited, 'deny-web_search');
    expect(policyOf(fewer)!.scopes![0]!.rules.map((r) => r.id)).toEqual(['deny-web_search-2']);
    expect(parseHarness(fewer).ok).toBe(true);
    expect(policyOf(deleteScope(fewer, 'project'))!.scopes).toEqual([]);
  });

  it('sets mode, taint and requireSigned, and removes them to go back to the defaults', () => {
    let doc = setPolicyField(example(), 'mode', 'ask');
    doc = setPolicyField(doc, 'taint', 'off');
    doc = setPolicyField(doc, 'requireSigned', true);
    expect(policyOf(doc)).toMatchObject({ mode: 'ask', taint: 'off', requireSigned: true });
    expect(policyOf(setPolicyField(doc, 'mode', undefined))!.mode).toBeUndefined();
    expect(parseHarness(doc).ok).toBe(true);
  });

  it('each edit is one undoable change', () => {
    const store = create<StudioState>()((...a) => ({ ...createDocumentSlice(...a), ...createRunSlice(...a), ...createCanvasViewSlice(...a) }));
    store.getState().openProject({ id: 'p', name: 'p', rev: 1, doc: example() });
    const original = store.getState().doc;
    const { change } = store.getState();
    change('Add project scope', addScope(store.getState().doc, 'project').doc);
    change('Add rule', addRule(store.getState().doc, 'project', { effect: 'deny', match: 'web_search' })!.doc);
    change('Edit rule', updateRule(store.getState().doc, 'deny-web_search', { effect: 'ask' }));
    change('Mode', setPolicyField(store.getState().doc, 'mode', 'plan'));
    change('Delete rule', deleteRule(store.getState().doc, 'deny-web_search'));
    change('Delete scope', deleteScope(store.getState().doc, 'project'));
    const steps = store.getState().past.map((e) => e.label);
    expect(steps).toEqual(['Add project scope', 'Add rule', 'Edit rule', 'Mode', 'Delete rule', 'Delete scope']);
    store.getState().undo();
    expect(policyOf(store.getState().doc)!.scopes![0]!.rules).toEqual([]);
    store.getState().undo();
    expect(policyOf(store.getState().doc)!.scopes![0]!.rules[0]!.effect).toBe('ask');
    store.getState().undo();
    store.getState().undo();
    expect(policyOf(store.getState().doc)!.scopes![0]!.rules[0]!.effect).toBe('deny');
    store.getState().undo();
    store.getState().undo();
    expect(store.getState().doc).toBe(original);
    store.getState().redo();
    expect(policyOf(store.getState().doc)!.scopes!.map((s) => s.id)).toEqual(['project']);
  });
});

describe('goals', () => {
  it('adds valid goals with fresh ids: the last agent finished', () => {
    const first = addGoal(example());
    const second = addGoal(first.doc, 'writer');

    expect(first.id).toBe('goal');
    expect(second.id).toBe('goal-2');
    expect(getIn(second.doc, ['goals'])).toEqual([
      { id: 'report-written', name: 'A report on paging exists', scope: 'harness', when: { kind: 'artifact', name: 'report', contains: 'MemGPT' } },
      { id: 'goal', name: 'Goal', scope: 'harness', when: { kind: 'finished', agent: 'writer' } },
      { id: 'goal-2', name: 'Goal 2', scope: 'writer', when: { kind: 'finished', agent: 'writer' } },
    ]);
    expect(parseHarness(second.doc).ok).toBe(true);
  });

  it('adds to a document without goals or agents', () => {
    const { doc } = addGoal({ version: 1, name: 'empty' });
    expect(getIn(doc, ['goals', 0, 'when'])).toEqual({ kind: 'artifact', name: 'report' });
  });

  it('deletes a goal by its place and ignores a place that is not there', () => {
    const { doc } = addGoal(example());

    expect(getIn(deleteGoal(doc, 0), ['goals'])).toEqual([getIn(doc, ['goals', 1])]);
    expect(deleteGoal(doc, 5)).toBe(doc);
  });

  it('are undoable changes', () => {
    const store = create<StudioState>()((...a) => ({ ...createDocumentSlice(...a), ...createRunSlice(...a), ...createCanvasViewSlice(...a) }));
    store.getState().openProject({ id: 'p', name: 'p', rev: 1, doc: example() });
    const original = store.getState().doc;
    const { change } = store.getState();

    change('Add goal', addGoal(original).doc);
    change('Rename goal', setIn(store.getState().doc, ['goals', 1, 'name'], 'Writer done'));
    change('Delete goal', deleteGoal(store.getState().doc, 0));
    expect(getIn(store.getState().doc, ['goals', 0, 'name'])).toBe('Writer done');

    store.getState().undo();
    store.getState().undo();
    expect(getIn(store.getState().doc, ['goals', 1, 'name'])).toBe('Goal');
    store.getState().undo();
    expect(store.getState().doc).toBe(original);
  });
});
