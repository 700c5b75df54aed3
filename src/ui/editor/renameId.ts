/**
 * Renaming an id rewrites every reference to it, so a rename never creates a dangling
 * reference. The reference sites mirror checkReferences in kernel/spec/parse.ts.
 */
import { allIds, asDoc, COLLECTION, findEntity, isRecord, type Rec } from './docModel';

type Fix = (value: unknown) => unknown;

function mapList(value: unknown, fn: (item: Rec) => Rec): unknown {
  return Array.isArray(value) ? value.map((item: unknown) => (isRecord(item) ? fn(item) : item)) : value;
}

/** Returns a copy of `obj` with the listed fields passed through `fix` (only when present). */
function fixFields(obj: Rec, fields: readonly string[], fix: Fix): Rec {
  let out = obj;
  for (const f of fields) {
    if (!(f in obj)) continue;
    const v = fix(obj[f]);
    if (v !== obj[f]) out = { ...out, [f]: v };
  }
  return out;
}

function fixPredicate(p: Rec, fix: Fix): Rec {
  const out = fixFields(p, ['agent', 'from', 'to'], fix);
  return 'of' in out ? { ...out, of: mapList(out.of, (q) => fixPredicate(q, fix)) } : out;
}

export type RenameResult = { ok: true; doc: unknown } | { ok: false; message: string };

/** Renames the entity `from` to `to` and updates references to it throughout the document. */
export function renameId(doc: unknown, from: string, to: string): RenameResult {
  if (from === to) return { ok: true, doc };
  if (to.trim() === '') return { ok: false, message: 'An id cannot be empty.' };
  if (allIds(doc).has(to)) return { ok: false, message: `The id "${to}" is already in use.` };
  const target = findEntity(doc, from);
  if (!target) return { ok: false, message: `Nothing has the id "${from}".` };

  const fix: Fix = (v) => (v === from ? to : v);
  const d: Rec = { ...asDoc(doc) };
  const key = COLLECTION[target.kind];
  d[key] = (d[key] as unknown[]).map((e, i) => (i === target.index ? { ...target.value, id: to } : e));

  d.agents = mapList(d.agents, (a) => {
    let out = fixFields(a, ['model'], fix);
    if (isRecord(out.sched)) out = { ...out, sched: fixFields(out.sched, ['group'], fix) };
    if ('capabilities' in out) out = { ...out, capabilities: mapList(out.capabilities, (c) => fixFields(c, ['target'], fix)) };
    if ('behaviour' in out) out = { ...out, behaviour: mapList(out.behaviour, (s) => fixFields(s, ['tool', 'to', 'from', 'store'], fix)) };
    return out;
  });
  d.tools = mapList(d.tools, (t) => (isRecord(t.impl) ? { ...t, impl: fixFields(t.impl, ['store'], fix) } : t));
  d.stores = mapList(d.stores, (s) => fixFields(s, ['owner'], fix));
  d.channels = mapList(d.channels, (c) => fixFields(c, ['from', 'to'], fix));
  d.groups = mapList(d.groups, (g) => fixFields(g, ['parent'], fix));
  d.goals = mapList(d.goals, (g) => {
    const out = fixFields(g, ['scope'], fix);
    return isRecord(out.when) ? { ...out, when: fixPredicate(out.when, fix) } : out;
  });
  for (const k of ['agents', 'tools', 'stores', 'channels', 'groups', 'goals']) if (d[k] === undefined) delete d[k];

  const layout = d.layout;
  if (isRecord(layout) && isRecord(layout.nodes) && from in layout.nodes) {
    const nodes = Object.fromEntries(Object.entries(layout.nodes).map(([k, v]) => [k === from ? to : k, v]));
    d.layout = { ...layout, nodes };
  }
  return { ok: true, doc: d };
}
