/**
 * Pure, immutable edits of the raw document. Each returns a new document (or the same one
 * when nothing changed) and never drops fields it does not understand.
 */
import { allIds, asDoc, COLLECTION, entities, findEntity, isRecord, slugify, str, uniqueId, type EntityKind, type CreatableKind, type NodeKind, type Position, type Rec } from './docModel';

export type PathKey = string | number;

/** Sets (or, with `undefined`, removes) the value at `path`, creating objects on the way. */
export function setIn(root: unknown, path: readonly PathKey[], value: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return value;
  if (typeof head === 'number') {
    const list = Array.isArray(root) ? [...(root as unknown[])] : [];
    list[head] = setIn(list[head], rest, value);
    return list;
  }
  const obj: Rec = isRecord(root) ? { ...root } : {};
  const next = setIn(obj[head], rest, value);
  if (next === undefined) delete obj[head];
  else obj[head] = next;
  return obj;
}

export function getIn(root: unknown, path: readonly PathKey[]): unknown {
  let cur = root;
  for (const key of path) {
    if (typeof key === 'number') cur = Array.isArray(cur) ? (cur as unknown[])[key] : undefined;
    else cur = isRecord(cur) ? cur[key] : undefined;
  }
  return cur;
}

function list(doc: Rec, key: string): unknown[] {
  const v = doc[key];
  return Array.isArray(v) ? v : [];
}

const NAMES: Record<CreatableKind, string> = { agent: 'Agent', tool: 'Tool', model: 'Model', store: 'Store', group: 'Group' };

/** A fresh entity of `kind`, valid on its own (an agent takes the first model, if any). */
export function newEntity(doc: unknown, kind: CreatableKind, id: string): Rec {
  const n = /-(\d+)$/.exec(id)?.[1];
  const name = `${NAMES[kind]}${n ? ` ${n}` : ''}`;
  switch (kind) {
    case 'agent':
      return { id, name, description: '', model: entities(doc, 'model')[0]?.id ?? '', systemPrompt: '', behaviour: [{ op: 'finish', text: 'Done.' }], capabilities: [] };
    case 'tool':
      return { id, name, description: '', sideEffect: 'none', tier: 'shared', impl: { kind: 'sim', result: '', latencyMs: 100 } };
    case 'model':
      return { id, name, provider: 'sim', model: 'sim-1', contextWindow: 8192, priceIn: 0, priceOut: 0, quality: 3, slots: 1 };
    case 'store':
      return { id, name, kind: 'archival', documents: [] };
    case 'group':
      return { id, name, weight: 100 };
  }
}

export function addNode(doc: unknown, kind: CreatableKind, at: Position): { doc: unknown; id: string } {
  const id = uniqueId(doc, kind);
  const d = asDoc(doc);
  let next = setIn(d, [COLLECTION[kind]], [...list(d, COLLECTION[kind]), newEntity(doc, kind, id)]);
  next = setIn(next, ['layout', 'nodes', id], { x: Math.round(at.x), y: Math.round(at.y) });
  return { doc: next, id };
}

/** Stores node positions in `layout.nodes`. */
export function moveNodes(doc: unknown, positions: ReadonlyMap<string, Position>): unknown {
  let next = doc;
  for (const [id, p] of positions) next = setIn(next, ['layout', 'nodes', id], { x: Math.round(p.x), y: Math.round(p.y) });
  return next;
}

function mapAgents(doc: Rec, fn: (agent: Rec) => Rec): Rec {
  const agents = list(doc, 'agents');
  let changed = false;
  const out = agents.map((a) => {
    if (!isRecord(a)) return a;
    const b = fn(a);
    if (b !== a) changed = true;
    return b;
  });
  return changed ? { ...doc, agents: out } : doc;
}

/** The agent without its budget group when that group is among `ids`. */
function withoutGroupIn(agent: Rec, ids: ReadonlySet<string>): Rec {
  const sched = agent.sched;
  if (!isRecord(sched) || typeof sched.group !== 'string' || !ids.has(sched.group)) return agent;
  const { group: _group, ...rest } = sched;
  return { ...agent, sched: rest };
}

function withoutCapabilitiesTo(agent: Rec, ids: ReadonlySet<string>): Rec {
  const caps = agent.capabilities;
  if (!Array.isArray(caps)) return agent;
  const kept = caps.filter((c) => !(isRecord(c) && typeof c.target === 'string' && ids.has(c.target)));
  return kept.length === caps.length ? agent : { ...agent, capabilities: kept };
}

/**
 * Deletes entities by id and cascades what only exists because of them: an agent's
 * channels and its ownership of stores; capabilities pointing at a removed tool or store;
 * membership of a removed budget group (agents' `sched.group`, child groups' `parent`);
 * layout entries. References inside content (behaviour scripts, goals, a tool's
 * store, an agent's model) are kept, so the issues list shows what now dangles.
 */
export function deleteEntities(doc: unknown, ids: Iterable<string>): unknown {
  const gone = new Set(ids);
  if (gone.size === 0) return doc;
  let d: Rec = { ...asDoc(doc) };
  for (const kind of ['agent', 'tool', 'model', 'store', 'group', 'remote', 'channel'] as const) {
    const key = COLLECTION[kind];
    if (!Array.isArray(d[key])) continue;
    d[key] = list(d, key).filter((e) => !(isRecord(e) && typeof e.id === 'string' && gone.has(e.id)));
  }
  if (Array.isArray(d.channels)) {
    d.channels = list(d, 'channels').filter((c) => !(isRecord(c) && (gone.has(str(c.from)) || gone.has(str(c.to)))));
  }
  d = mapAgents(d, (a) => withoutGroupIn(withoutCapabilitiesTo(a, gone), gone));
  if (Array.isArray(d.groups)) {
    d.groups = list(d, 'groups').map((g) => {
      if (!isRecord(g) || !gone.has(str(g.parent))) return g;
      const { parent: _parent, ...rest } = g;
      return rest;
    });
  }
  if (Array.isArray(d.stores)) {
    d.stores = list(d, 'stores').map((s) => {
      if (!isRecord(s) || !gone.has(str(s.owner))) return s;
      const { owner: _owner, ...rest } = s;
      return rest;
    });
  }
  const layout = d.layout;
  if (isRecord(layout) && isRecord(layout.nodes)) {
    const nodes = Object.fromEntries(Object.entries(layout.nodes).filter(([id]) => !gone.has(id)));
    d.layout = { ...layout, nodes };
  }
  return d;
}

export type ConnectionKind = 'channel' | 'capability' | 'model' | 'group' | 'parent';

/** True when `ancestor` is `group` or one of its parents (so making it a child of `group` would close a cycle). */
function isAncestorOrSelf(doc: unknown, ancestor: string, group: string): boolean {
  const parents = new Map(entities(doc, 'group').map((g) => [g.id, str(g.value.parent)]));
  const seen = new Set<string>();
  for (let id = group; id !== '' && !seen.has(id); id = parents.get(id) ?? '') {
    if (id === ancestor) return true;
    seen.add(id);
  }
  return false;
}

/**
 * What a connection from `source` to `target` would do, for validation and labels. From an
 * agent: a channel, a capability, its model or its budget group; from a group: its parent
 * group (never one below it, which would make a cycle).
 */
export function connectionKind(doc: unknown, source: string, target: string): ConnectionKind | null {
  if (source === target) return null;
  const from = findEntity(doc, source);
  const to = findEntity(doc, target);
  if (!from || !to) return null;
  if (from.kind === 'group') return to.kind === 'group' && !isAncestorOrSelf(doc, source, target) ? 'parent' : null;
  if (from.kind !== 'agent') return null;
  // A remote agent is reached over a channel like a local one (it answers over the same channel).
  if (to.kind === 'agent' || to.kind === 'remote') return 'channel';
  if (to.kind === 'tool' || to.kind === 'store') return 'capability';
  if (to.kind === 'model') return 'model';
  if (to.kind === 'group') return 'group';
  return null;
}

/** Applies a drawn connection: a channel, a capability, the agent's model or budget group, a group's parent. Null when not allowed or already there. */
export function connect(doc: unknown, source: string, target: string): { doc: unknown; label: string; select?: string } | null {
  const kind = connectionKind(doc, source, target);
  const agent = findEntity(doc, source);
  if (!kind || !agent) return null;
  const d = asDoc(doc);
  if (kind === 'parent') {
    if (agent.value.parent === target) return null;
    return { doc: setIn(d, ['groups', agent.index, 'parent'], target), label: `Put group ${source} under ${target}` };
  }
  if (kind === 'group') {
    if (isRecord(agent.value.sched) && agent.value.sched.group === target) return null;
    return { doc: setIn(d, ['agents', agent.index, 'sched', 'group'], target), label: `Put ${source} in budget group ${target}` };
  }
  if (kind === 'channel') {
    const exists = entities(doc, 'channel').some((c) => c.value.from === source && c.value.to === target);
    if (exists) return null;
    const id = uniqueId(doc, `${source}-to-${target}`, true);
    return { doc: setIn(d, ['channels'], [...list(d, 'channels'), { id, from: source, to: target, kind: 'message' }]), label: `Connect ${source} → ${target}`, select: id };
  }
  if (kind === 'capability') {
    const caps = Array.isArray(agent.value.capabilities) ? agent.value.capabilities : [];
    if (caps.some((c) => isRecord(c) && c.target === target)) return null;
    const access = findEntity(doc, target)?.kind === 'store' ? 'readwrite' : 'use';
    return { doc: setIn(d, ['agents', agent.index, 'capabilities'], [...caps, { target, access }]), label: `Give ${source} ${target}` };
  }
  if (agent.value.model === target) return null;
  return { doc: setIn(d, ['agents', agent.index, 'model'], target), label: `Set ${source}'s model to ${target}` };
}

/** The document side of an edge, as encoded in the canvas edge id. */
export type EdgeRef =
  | { type: 'channel'; id: string }
  | { type: 'capability'; agent: string; index: number }
  | { type: 'model'; agent: string }
  | { type: 'group'; agent: string }
  | { type: 'parent'; group: string };

export function edgeId(ref: EdgeRef): string {
  if (ref.type === 'channel') return `channel:${ref.id}`;
  if (ref.type === 'capability') return `cap:${ref.index}:${ref.agent}`;
  if (ref.type === 'group') return `group:${ref.agent}`;
  if (ref.type === 'parent') return `parent:${ref.group}`;
  return `model:${ref.agent}`;
}

export function parseEdgeId(id: string): EdgeRef | null {
  if (id.startsWith('channel:')) return { type: 'channel', id: id.slice(8) };
  if (id.startsWith('model:')) return { type: 'model', agent: id.slice(6) };
  if (id.startsWith('group:')) return { type: 'group', agent: id.slice(6) };
  if (id.startsWith('parent:')) return { type: 'parent', group: id.slice(7) };
  const cap = /^cap:(\d+):(.*)$/.exec(id);
  if (cap) return { type: 'capability', index: Number(cap[1]), agent: cap[2]! };
  return null;
}

/** Removes what an edge stands for. Removing a model edge leaves the agent without a model (an issue). */
export function deleteEdges(doc: unknown, refs: readonly EdgeRef[]): unknown {
  let next = deleteEntities(doc, refs.flatMap((r) => (r.type === 'channel' ? [r.id] : [])));
  for (const ref of refs) {
    const owner = ref.type === 'group' ? findEntity(next, ref.agent) : ref.type === 'parent' ? findEntity(next, ref.group) : null;
    if (ref.type === 'group' && owner?.kind === 'agent') next = setIn(next, ['agents', owner.index, 'sched', 'group'], undefined);
    if (ref.type === 'parent' && owner?.kind === 'group') next = setIn(next, ['groups', owner.index, 'parent'], undefined);
  }
  // Capabilities by descending index so earlier removals do not shift later ones.
  const caps = refs.filter((r): r is Extract<EdgeRef, { type: 'capability' }> => r.type === 'capability').sort((a, b) => b.index - a.index);
  for (const ref of [...caps, ...refs.filter((r) => r.type === 'model')]) {
    const agent = findEntity(next, ref.agent);
    if (agent?.kind !== 'agent') continue;
    if (ref.type === 'model') next = setIn(next, ['agents', agent.index, 'model'], undefined);
    else if (ref.type === 'capability' && Array.isArray(agent.value.capabilities)) {
      next = setIn(next, ['agents', agent.index, 'capabilities'], agent.value.capabilities.filter((_, i) => i !== ref.index));
    }
  }
  return next;
}

/** Replaces the entity at its place in its collection. */
export function replaceEntity(doc: unknown, kind: EntityKind, index: number, value: unknown): unknown {
  return setIn(asDoc(doc), [COLLECTION[kind], index], value);
}

// ---- policy: scopes and rules (the Policy view's edits) ----

const SCOPE_ORDER: readonly string[] = ['org', 'project', 'user', 'session'];

export interface PolicyPlace {
  /** Index of the scope in `policy.scopes`. */
  scope: number;
  /** Index of the rule in that scope's `rules`, for rules. */
  rule?: number;
}

function policyScopes(doc: unknown): unknown[] {
  const policy = asDoc(doc).policy;
  return isRecord(policy) && Array.isArray(policy.scopes) ? policy.scopes : [];
}

function scopeRules(scope: unknown): unknown[] {
  return isRecord(scope) && Array.isArray(scope.rules) ? scope.rules : [];
}

/** Where the first scope with this id is. */
export function findScope(doc: unknown, id: string): PolicyPlace | null {
  const index = policyScopes(doc).findIndex((s) => isRecord(s) && s.id === id);
  return index < 0 ? null : { scope: index };
}

/** Where the first rule with this id is (rule ids name the deciding rule in every decision, so they are meant to be unique). */
export function findRule(doc: unknown, id: string): Required<PolicyPlace> | null {
  const scopes = policyScopes(doc);
  for (let s = 0; s < scopes.length; s++) {
    const r = scopeRules(scopes[s]).findIndex((rule) => isRecord(rule) && rule.id === id);
    if (r >= 0) return { scope: s, rule: r };
  }
  return null;
}

/** Every scope and rule id, and every entity id: a new policy id takes none of them. */
function policyIds(doc: unknown): Set<string> {
  const ids = allIds(doc);
  for (const scope of policyScopes(doc)) {
    if (isRecord(scope) && typeof scope.id === 'string') ids.add(scope.id);
    for (const rule of scopeRules(scope)) if (isRecord(rule) && typeof rule.id === 'string') ids.add(rule.id);
  }
  return ids;
}

function freshPolicyId(doc: unknown, base: string): string {
  const ids = policyIds(doc);
  if (!ids.has(base)) return base;
  for (let n = 2; ; n++) if (!ids.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** Sets `policy.mode`, `policy.taint` or `policy.requireSigned` (undefined removes it: the default). */
export function setPolicyField(doc: unknown, field: 'mode' | 'taint' | 'requireSigned', value: unknown): unknown {
  return setIn(asDoc(doc), ['policy', field], value);
}

/** Adds an empty scope of `level`, after the scopes at or above that level (so the list reads org → session); its id is the level, made unique. */
export function addScope(doc: unknown, level: 'org' | 'project' | 'user' | 'session'): { doc: unknown; id: string } {
  const id = freshPolicyId(doc, level);
  const scopes = [...policyScopes(doc)];
  const rank = SCOPE_ORDER.indexOf(level);
  let at = 0;
  scopes.forEach((s, i) => {
    const r = isRecord(s) ? SCOPE_ORDER.indexOf(str(s.level)) : -1;
    if (r <= rank) at = i + 1;
  });
  scopes.splice(at, 0, { id, level, rules: [] });
  return { doc: setIn(asDoc(doc), ['policy', 'scopes'], scopes), id };
}

/** Deletes a scope with its rules. */
export function deleteScope(doc: unknown, id: string): unknown {
  const place = findScope(doc, id);
  if (!place) return doc;
  return setIn(asDoc(doc), ['policy', 'scopes'], policyScopes(doc).filter((_, i) => i !== place.scope));
}

/** `deny-web_search` for `deny` of `web_search(*)`: the effect and the tool part of the matcher. */
function ruleIdBase(effect: string, match: string): string {
  const tool = slugify(match.split('(')[0] ?? '', '');
  return tool === '' ? effect : `${effect}-${tool}`;
}

/** Appends a rule to a scope; its id comes from the effect and the matched tool, made unique. Null when there is no such scope. */
export function addRule(doc: unknown, scopeId: string, rule: { effect: 'allow' | 'ask' | 'deny'; match: string }): { doc: unknown; id: string } | null {
  const place = findScope(doc, scopeId);
  if (!place) return null;
  const id = freshPolicyId(doc, ruleIdBase(rule.effect, rule.match));
  const rules = [...scopeRules(policyScopes(doc)[place.scope]), { id, effect: rule.effect, match: rule.match }];
  return { doc: setIn(asDoc(doc), ['policy', 'scopes', place.scope, 'rules'], rules), id };
}

/** Changes a rule's effect or matcher, keeping its other fields. */
export function updateRule(doc: unknown, id: string, patch: { effect?: 'allow' | 'ask' | 'deny'; match?: string }): unknown {
  const place = findRule(doc, id);
  if (!place) return doc;
  let next = doc;
  for (const field of ['effect', 'match'] as const) {
    const value = patch[field];
    if (value === undefined || getIn(next, ['policy', 'scopes', place.scope, 'rules', place.rule, field]) === value) continue;
    next = setIn(next, ['policy', 'scopes', place.scope, 'rules', place.rule, field], value);
  }
  return next;
}

export function deleteRule(doc: unknown, id: string): unknown {
  const place = findRule(doc, id);
  if (!place) return doc;
  const rules = scopeRules(policyScopes(doc)[place.scope]).filter((_, i) => i !== place.rule);
  return setIn(asDoc(doc), ['policy', 'scopes', place.scope, 'rules'], rules);
}

// ---- goals (the inspector's Goals section) ----

function goalList(doc: unknown): unknown[] {
  return list(asDoc(doc), 'goals');
}

/**
 * Appends a goal with a fresh id (`goal`, `goal-2`, …) and scope `scope`: that the last agent
 * in the document finished, the usual end of a pipeline (a `report` artifact when there is no
 * agent). Valid on its own, so adding a goal never blocks a run.
 */
export function addGoal(doc: unknown, scope = 'harness'): { doc: unknown; id: string } {
  const id = uniqueId(doc, 'goal', true);
  const n = /-(\d+)$/.exec(id)?.[1];
  const last = entities(doc, 'agent').at(-1)?.id;
  const when = last === undefined ? { kind: 'artifact', name: 'report' } : { kind: 'finished', agent: last };
  const goal = { id, name: n ? `Goal ${n}` : 'Goal', scope, when };
  return { doc: setIn(asDoc(doc), ['goals'], [...goalList(doc), goal]), id };
}

/** Removes the goal at `index` in `goals` (by place, so a goal without a valid id can go too). */
export function deleteGoal(doc: unknown, index: number): unknown {
  const goals = goalList(doc);
  if (index < 0 || index >= goals.length) return doc;
  return setIn(asDoc(doc), ['goals'], goals.filter((_, i) => i !== index));
}
