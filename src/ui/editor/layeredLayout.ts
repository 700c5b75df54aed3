/**
 * A fast layered layout for big graphs (autoLayout.ts uses it above FAST_LAYOUT_MIN agents,
 * where ELK's layered algorithm took 12 s for 700 agents): cycles broken by depth-first order,
 * layers by longest path, order within layers by a few barycentre sweeps (Sugiyama, Tagawa and
 * Toda 1981, in its simplest form), all O((V + E) · sweeps). A long chain of layers is wrapped
 * into bands read left to right, top to bottom, so the result is about twice as wide as high
 * instead of one row thousands of nodes long.
 */
import type { Position } from './docModel';
import type { LayoutEdge, LayoutNode } from './autoLayout';

const LAYER_GAP = 90;
const NODE_GAP = 50;
const BAND_GAP = 140;
const SWEEPS = 4;

/** Layer of each node: longest path from a source, over the edges that do not close a cycle. */
function layersOf(ids: readonly string[], out: ReadonlyMap<string, string[]>): Map<string, number> {
  // Depth-first finishing order gives a topological order of the graph without its back edges.
  const state = new Map<string, 1 | 2>();
  const order: string[] = [];
  for (const root of ids) {
    if (state.has(root)) continue;
    const stack: [string, number][] = [[root, 0]];
    state.set(root, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const next = out.get(top[0]) ?? [];
      if (top[1] < next.length) {
        const child = next[top[1]++]!;
        if (!state.has(child)) {
          state.set(child, 1);
          stack.push([child, 0]);
        }
      } else {
        state.set(top[0], 2);
        order.push(top[0]);
        stack.pop();
      }
    }
  }
  order.reverse();
  const rank = new Map(order.map((id, i) => [id, i]));
  const layer = new Map(ids.map((id) => [id, 0]));
  for (const id of order) {
    for (const to of out.get(id) ?? []) {
      if (rank.get(to)! > rank.get(id)!) layer.set(to, Math.max(layer.get(to)!, layer.get(id)! + 1));
    }
  }
  return layer;
}

/** Positions of the nodes, flowing left to right along the edges. */
export function layeredLayout(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[]): Map<string, Position> {
  const ids = nodes.map((n) => n.id);
  const known = new Set(ids);
  const out = new Map<string, string[]>();
  const neighbours = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const e of edges) {
    if (!known.has(e.source) || !known.has(e.target) || e.source === e.target) continue;
    const list = out.get(e.source) ?? [];
    if (list.length === 0) out.set(e.source, list);
    list.push(e.target);
    neighbours.get(e.source)!.push(e.target);
    neighbours.get(e.target)!.push(e.source);
  }
  const layer = layersOf(ids, out);
  const layerCount = Math.max(0, ...layer.values()) + 1;
  const rows: string[][] = Array.from({ length: layerCount }, () => []);
  for (const id of ids) rows[layer.get(id)!]!.push(id);

  // Barycentre sweeps, down then up: each node moves to the mean place of its neighbours.
  const place = new Map<string, number>();
  for (const row of rows) row.forEach((id, i) => place.set(id, i));
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    const range = sweep % 2 === 0 ? rows : [...rows].reverse();
    for (const row of range) {
      const centre = new Map<string, number>();
      for (const id of row) {
        const ns = neighbours.get(id)!;
        centre.set(id, ns.length === 0 ? place.get(id)! : ns.reduce((s, n) => s + place.get(n)!, 0) / ns.length);
      }
      row.sort((a, b) => centre.get(a)! - centre.get(b)! || place.get(a)! - place.get(b)!);
      row.forEach((id, i) => place.set(id, i));
    }
  }

  const size = new Map(nodes.map((n) => [n.id, n]));
  const width = Math.max(1, ...nodes.map((n) => n.width));
  const height = Math.max(1, ...nodes.map((n) => n.height));
  const column = width + LAYER_GAP;
  const rowPitch = height + NODE_GAP;
  const tallest = Math.max(1, ...rows.map((r) => r.length));
  const bandHeight = tallest * rowPitch + BAND_GAP;
  // Bands such that the whole is about twice as wide as high: (L / B) · column = 2 · B · bandHeight.
  const bands = Math.max(1, Math.min(layerCount, Math.round(Math.sqrt((layerCount * column) / (2 * bandHeight)))));
  const perBand = Math.ceil(layerCount / bands);
  const positions = new Map<string, Position>();
  rows.forEach((row, l) => {
    const band = Math.floor(l / perBand);
    const x = (l % perBand) * column;
    const top = band * bandHeight + ((tallest - row.length) * rowPitch) / 2;
    row.forEach((id, i) => positions.set(id, { x: Math.round(x + (width - size.get(id)!.width) / 2), y: Math.round(top + i * rowPitch) }));
  });
  return positions;
}
