import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHarness } from '../../kernel';
import { autoLayout } from './autoLayout';
import { entities, findEntity } from './docModel';
import { addNode, connect, connectionKind, deleteEdges, deleteEntities, edgeId, parseEdgeId } from './docOps';
import { buildEdges, buildNodes, quotaText } from './graph';
import { renameId } from './renameId';

const example = (): unknown => JSON.parse(readFileSync(new URL('../../../public/examples/research-team.json', import.meta.url), 'utf8'));

/** The example with a `team` group under a `root` group, and the writer in `team`. */
function withGroups(): unknown {
  let doc = addNode(example(), 'group', { x: 0, y: 500 }).doc; // group-2
  doc = addNode(doc, 'group', { x: 0, y: 700 }).doc; // group-3
  doc = (renameId(doc, 'group-2', 'team') as { doc: unknown }).doc;
  doc = (renameId(doc, 'group-3', 'root') as { doc: unknown }).doc;
  doc = connect(doc, 'writer', 'team')!.doc;
  return connect(doc, 'team', 'root')!.doc;
}

describe('budget groups in the editor', () => {
  it('are added from the palette as valid groups', () => {
    const { doc, id } = addNode(example(), 'group', { x: 0, y: 0 });
    expect(id).toBe('group-2');
    expect(findEntity(doc, id)).toMatchObject({ kind: 'group', value: { name: 'Group 2', weight: 100 } });
    expect(parseHarness(doc).ok).toBe(true);
  });

  it('connect agent → group as its sched.group and group → group as the parent', () => {
    const doc = withGroups();
    expect(findEntity(doc, 'writer')?.value.sched).toEqual({ group: 'team' });
    expect(findEntity(doc, 'team')?.value.parent).toBe('root');
    expect(parseHarness(doc).ok).toBe(true);
    expect(connect(doc, 'writer', 'team')).toBeNull(); // already there
  });

  it('refuse group nesting that would close a cycle, and groups as sources of anything else', () => {
    const doc = withGroups();
    expect(connectionKind(doc, 'root', 'team')).toBeNull();
    expect(connectionKind(doc, 'root', 'root')).toBeNull();
    expect(connectionKind(doc, 'team', 'writer')).toBeNull();
    expect(connectionKind(doc, 'planner', 'root')).toBe('group');
  });

  it('are drawn as nodes with their quota, with membership and parent edges', () => {
    let doc = withGroups() as { groups: Record<string, unknown>[] };
    doc.groups[0] = { ...doc.groups[0], tokens: 20000, periodMs: 60000 };
    const node = buildNodes(doc, new Map()).find((n) => n.id === 'team');
    expect(node?.data).toMatchObject({ kind: 'group', subtitle: '20k tok / 60s', detail: 'weight 100 · in root' });
    const edges = buildEdges(doc, new Map()).filter((e) => e.data?.kind === 'group' || e.data?.kind === 'parent');
    expect(edges.map((e) => [e.data?.kind, e.source, e.target])).toEqual([
      ['group', 'writer', 'team'],
      ['parent', 'team', 'root'],
    ]);
    expect(quotaText({})).toBe('no quota');
    expect(quotaText({ cost: 0.5 })).toBe('$0.5 per run');
  });

  it('lose their references when deleted', () => {
    const doc = deleteEntities(withGroups(), ['team']);
    expect(entities(doc, 'group').map((g) => g.id)).toEqual(['root']);
    expect(findEntity(doc, 'writer')?.value.sched).toEqual({});
    expect(parseHarness(doc).ok).toBe(true);
    const root = deleteEntities(withGroups(), ['root']);
    expect(findEntity(root, 'team')?.value.parent).toBeUndefined();
  });

  it('edges can be deleted on their own', () => {
    const refs = [parseEdgeId(edgeId({ type: 'group', agent: 'writer' }))!, parseEdgeId(edgeId({ type: 'parent', group: 'team' }))!];
    expect(refs).toEqual([{ type: 'group', agent: 'writer' }, { type: 'parent', group: 'team' }]);
    const doc = deleteEdges(withGroups(), refs);
    expect(findEntity(doc, 'writer')?.value.sched).toEqual({});
    expect(findEntity(doc, 'team')?.value.parent).toBeUndefined();
  });

  it('are laid out under the models, parents below their children', async () => {
    const doc = withGroups();
    const nodes = buildNodes(doc, new Map()).map((n) => ({ id: n.id, kind: n.data.kind, width: 190, height: 70 }));
    const edges = buildEdges(doc, new Map()).map((e) => ({ source: e.source, target: e.target }));
    const pos = await autoLayout(nodes, edges);
    expect(pos.get('team')!.y).toBeGreaterThan(pos.get('sim-small')!.y);
    expect(pos.get('root')!.y).toBeGreaterThan(pos.get('team')!.y);
  });
});
