/**
 * Tolerant reading of the raw harness document. The editor works on the document exactly as
 * the user wrote it — which may be invalid — so nothing here assumes the schema holds.
 */

export type Rec = Record<string, unknown>;

/** Kinds of entity the canvas draws as nodes (budget groups too), plus channels (drawn as edges). */
/** `remote`: a remote A2A agent (`remoteAgents`), added from the palette's Remote agents section, not from Add. */
export type NodeKind = 'agent' | 'tool' | 'model' | 'store' | 'group' | 'remote';
export type EntityKind = NodeKind | 'channel';

export const COLLECTION: Readonly<Record<EntityKind, string>> = Object.freeze({
  agent: 'agents',
  tool: 'tools',
  model: 'models',
  store: 'stores',
  group: 'groups',
  remote: 'remoteAgents',
  channel: 'channels',
});

/** The kinds the palette's Add section creates (a remote agent comes from its card). */
export type CreatableKind = Exclude<NodeKind, 'remote'>;
export const NODE_KINDS: readonly CreatableKind[] = ['agent', 'tool', 'model', 'store', 'group'];
/** Every kind the canvas draws as a node. */
export const CANVAS_KINDS: readonly NodeKind[] = [...NODE_KINDS, 'remote'];
const ENTITY_KINDS: readonly EntityKind[] = [...CANVAS_KINDS, 'channel'];

export function isRecord(value: unknown): value is Rec {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The document as an object; anything else (e.g. unparseable imported text) reads as empty. */
export function asDoc(doc: unknown): Rec {
  return isRecord(doc) ? doc : {};
}

export function str(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}

export interface EntityRef {
  kind: EntityKind;
  /** Index in the document's collection: issue paths (`agents[2].model`) use it. */
  index: number;
  id: string;
  value: Rec;
}

/** The entities of one kind that are objects with a string id, with their original indices. */
export function entities(doc: unknown, kind: EntityKind): EntityRef[] {
  const list = asDoc(doc)[COLLECTION[kind]];
  if (!Array.isArray(list)) return [];
  const out: EntityRef[] = [];
  list.forEach((value: unknown, index) => {
    if (isRecord(value) && typeof value.id === 'string') out.push({ kind, index, id: value.id, value });
  });
  return out;
}

/** The first entity (of any kind) with this id. */
export function findEntity(doc: unknown, id: string): EntityRef | null {
  for (const kind of ENTITY_KINDS) {
    const hit = entities(doc, kind).find((e) => e.id === id);
    if (hit) return hit;
  }
  return null;
}

/** Every id in use, across all kinds (the schema requires ids to be unique document-wide). */
export function allIds(doc: unknown): Set<string> {
  const ids = new Set<string>();
  const d = asDoc(doc);
  for (const key of ['models', 'agents', 'tools', 'stores', 'channels', 'goals', 'groups', 'remoteAgents', 'mcpServers']) {
    const list = d[key];
    if (Array.isArray(list)) for (const e of list) if (isRecord(e) && typeof e.id === 'string') ids.add(e.id);
  }
  return ids;
}

/** The string ids in any top-level collection (e.g. `groups`). */
export function collectionIds(doc: unknown, key: string): string[] {
  const list = asDoc(doc)[key];
  return Array.isArray(list) ? list.flatMap((e: unknown) => (isRecord(e) && typeof e.id === 'string' ? [e.id] : [])) : [];
}

/** `base-2`, `base-3`, … — the first that is free. `base` itself when free and `preferBare`. */
export function uniqueId(doc: unknown, base: string, preferBare = false): string {
  const ids = allIds(doc);
  if (preferBare && !ids.has(base)) return base;
  for (let n = 2; ; n++) {
    const id = `${base}-${n}`;
    if (!ids.has(id)) return id;
  }
}

export interface Position {
  x: number;
  y: number;
}

/** Positions stored in `layout.nodes`; malformed entries are skipped. */
export function layoutPositions(doc: unknown): Map<string, Position> {
  const out = new Map<string, Position>();
  const layout = asDoc(doc).layout;
  const nodes = isRecord(layout) ? layout.nodes : undefined;
  if (!isRecord(nodes)) return out;
  for (const [id, p] of Object.entries(nodes)) {
    if (isRecord(p) && typeof p.x === 'number' && typeof p.y === 'number') out.set(id, { x: p.x, y: p.y });
  }
  return out;
}

export const ID_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/** Turns a display name into an id candidate: `Web search` → `web-search`. */
export function slugify(name: string, fallback: string): string {
  const slug = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '')
    .slice(0, 64);
  return slug === '' ? fallback : slug;
}
