import { describe, expect, it } from 'vitest';
import { layeredLayout } from './layeredLayout';
import type { LayoutEdge, LayoutNode } from './autoLayout';

const node = (id: string): LayoutNode => ({ id, kind: 'agent', width: 196, height: 76 });

function overlaps(a: { x: number; y: number }, b: { x: number; y: number }): boolean {
  return Math.abs(a.x - b.x) < 196 && Math.abs(a.y - b.y) < 76;
}

describe('layeredLayout', () => {
  it('places every node once, without overlaps, each edge of a small graph pointing right', () => {
    const nodes = ['a', 'b', 'c', 'd', 'e'].map(node);
    const edges: LayoutEdge[] = [
      { source: 'a', target: 'b' },
      { source: 'a', target: 'c' },
      { source: 'b', target: 'd' },
      { source: 'c', target: 'd' },
      { source: 'd', target: 'a' }, // a cycle: broken, not fatal
      { source: 'e', target: 'zz' }, // an unknown node: ignored
    ];
    const at = layeredLayout(nodes, edges);
    expect([...at.keys()].sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    const list = [...at.values()];
    for (let i = 0; i < list.length; i++) for (let j = i + 1; j < list.length; j++) expect(overlaps(list[i]!, list[j]!)).toBe(false);
    expect(at.get('b')!.x).toBeGreaterThan(at.get('a')!.x);
    expect(at.get('d')!.x).toBeGreaterThan(at.get('b')!.x);
  });

  it('wraps a long chain into bands instead of one endless row', () => {
    const ids = Array.from({ length: 700 }, (_, i) => `n${i}`);
    const at = layeredLayout(ids.map(node), ids.slice(1).map((id, i) => ({ source: ids[i]!, target: id })));
    const xs = [...at.values()].map((p) => p.x);
    const ys = [...at.values()].map((p) => p.y);
    const width = Math.max(...xs) - Math.min(...xs);
    const height = Math.max(...ys) - Math.min(...ys);
    expect(height).toBeGreaterThan(0);
    expect(width / height).toBeLessThan(5);
    expect(new Set([...at.values()].map((p) => `${p.x},${p.y}`)).size).toBe(700);
  });
});
