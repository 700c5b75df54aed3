import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { autoLayout, packRow } from './autoLayout';
import { buildEdges, buildNodes } from './graph';

const example = (): unknown => JSON.parse(readFileSync(new URL('../../../public/examples/research-team.json', import.meta.url), 'utf8'));

describe('graph view of a document', () => {
  it('draws entities as nodes at their stored positions', () => {
    const nodes = buildNodes(example(), new Map());
    expect(nodes.map((n) => `${n.type}:${n.id}`).sort()).toEqual(
      ['agent:planner', 'agent:researcher', 'agent:writer', 'model:sim-small', 'store:corpus', 'store:notes', 'tool:web_search'].sort(),
    );
    expect(nodes.find((n) => n.id === 'planner')?.position).toEqual({ x: 40, y: 40 });
  });

  it('derives channel, capability and model edges, skipping dangling ones', () => {
    const doc = example() as { channels: unknown[] };
    doc.channels.push({ id: 'ghost', from: 'planner', to: 'nobody' });
    const edges = buildEdges(doc, new Map());
    const kinds = edges.map((e) => e.data?.kind);
    expect(kinds.filter((k) => k === 'channel')).toHaveLength(3);
    expect(kinds.filter((k) => k === 'capability')).toHaveLength(2);
    expect(kinds.filter((k) => k === 'model')).toHaveLength(3);
  });

  it('marks nodes with issues', () => {
    const nodes = buildNodes(example(), new Map([['writer', [{ path: 'agents[2].model', message: 'x' }]]]));
    expect(nodes.find((n) => n.id === 'writer')?.data.issues).toBe(1);
  });

  it('tolerates a document that is not an object', () => {
    expect(buildNodes('{ broken', new Map())).toEqual([]);
    expect(buildEdges(null, new Map())).toEqual([]);
  });
});

describe('auto-layout', () => {
  it('packs a row without overlaps', () => {
    const row = packRow([{ id: 'a', wish: 100, width: 100 }, { id: 'b', wish: 110, width: 100 }], 0);
    expect(row.get('b')!.x - row.get('a')!.x).toBeGreaterThanOrEqual(140);
  });

  it('puts resources above the agents and models below', async () => {
    const nodes = buildNodes(example(), new Map()).map((n) => ({ id: n.id, kind: n.data.kind, width: 196, height: 70 }));
    const edges = buildEdges(example(), new Map()).map((e) => ({ source: e.source, target: e.target }));
    const pos = await autoLayout(nodes, edges);
    const y = (id: string) => pos.get(id)!.y;
    expect(y('web_search')).toBeLessThan(y('planner'));
    expect(y('sim-small')).toBeGreaterThan(y('writer'));
    expect(pos.get('planner')!.x).toBeLessThan(pos.get('researcher')!.x);
  });
});
