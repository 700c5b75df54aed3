import { describe, expect, it } from 'vitest';
import { farPicture, nodeAt } from './FarView';
import type { EntityEdge, EntityNode } from './graph';

const node = (id: string, kind: EntityNode['data']['kind'], x: number, y: number, issues = 0): EntityNode => ({
  id,
  type: kind,
  position: { x, y },
  data: { kind, entityId: id, title: id, subtitle: '', detail: '', issues },
});
const nodes = [node('a', 'agent', 0, 0), node('t', 'tool', 0, -200, 2), node('b', 'agent', 300, 0)];
const edges: EntityEdge[] = [
  { id: 'c', source: 'a', target: 'b', data: { kind: 'channel', issues: 0 } },
  { id: 'u', source: 'a', target: 't', data: { kind: 'capability', issues: 0 } },
  { id: 'x', source: 'a', target: 'gone', data: { kind: 'channel', issues: 0 } },
];

describe('FarView picture', () => {
  it('draws a box per node by kind, issues again, and a line per edge between centres', () => {
    const p = farPicture(nodes, edges);
    expect(p.nodes.get('agent')).toBe('M0 0h196v76h-196zM300 0h196v76h-196z');
    expect(p.nodes.get('tool')).toBe('M0 -200h176v77h-176z');
    expect(p.issues).toBe('M0 -200h176v77h-176z');
    expect(p.edges.get('channel')).toBe('M98 38L398 38');
    expect(p.edges.get('capability')).toBe('M98 38L88 -161');
  });

  it('finds the node under a point, or none', () => {
    expect(nodeAt(nodes, { x: 350, y: 40 })).toBe('b');
    expect(nodeAt(nodes, { x: 10, y: -150 })).toBe('t');
    expect(nodeAt(nodes, { x: 250, y: 40 })).toBeNull();
  });
});
