import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHarness } from '../kernel';
import { runSpec } from './commands';

/**
 * Ids and names that collide with Object.prototype (`constructor`, `toString`, …) are ordinary
 * names: renaming every id of an example to them (a bijection) runs the same way, stop for stop
 * and step for step, as the example with its own names.
 */
const PROTO_NAMES = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString'];
const EXAMPLES = (JSON.parse(readFileSync('public/examples/index.json', 'utf8')) as { file: string }[]).map((x) => x.file).filter((f) => f !== 'real-agent.json');

const KEYWORD_FIELDS = new Set(['provider', 'kind', 'op', 'sideEffect', 'tier', 'access', 'mode', 'effect', 'class', 'policy', 'rtPolicy']);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every id and artifact name a document declares or writes, in document order. */
function namesOf(doc: Record<string, Json>): string[] {
  const names = new Set<string>();
  const list = (v: Json | undefined): Record<string, Json>[] => (Array.isArray(v) ? (v as Record<string, Json>[]) : []);
  for (const key of ['agents', 'models', 'tools', 'stores', 'channels', 'goals', 'groups']) for (const x of list(doc[key])) names.add(x.id as string);
  for (const a of list(doc.agents)) for (const s of list(a.behaviour)) if (s.op === 'write') names.add(s.artifact as string);
  // A name that is also a keyword of the document (a provider, a tool kind, …) stays: renaming it there breaks the document.
  const keywords = new Set<string>(['harness', 'human']);
  const walk = (v: Json): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) (typeof x === 'string' && KEYWORD_FIELDS.has(k) ? keywords.add(x) : walk(x));
  };
  walk(doc);
  // An artifact a region covers by its name's prefix keeps its name: renamed, it would leave the region.
  const prefixes = list(doc.regions).map((r) => r.match as string);
  return [...names].filter((n) => !keywords.has(n) && !prefixes.some((p) => n.startsWith(p)));
}

/** The document with names renamed: exact string values, keys of name-keyed tables, and `artifact:`/`store:` references (variable names stay). */
function rename(value: Json, map: ReadonlyMap<string, string>, keyedByName = false): Json {
  if (typeof value === 'string') {
    const ref = /^(artifact|store):([^#]*)(#.*)?$/.exec(value);
    if (ref && map.has(ref[2]!)) return `${ref[1]}:${map.get(ref[2]!)}${ref[3] ?? ''}`;
    return map.get(value) ?? value;
  }
  if (Array.isArray(value)) return value.map((v) => rename(v, map));
  // Tables keyed by names: layout.nodes, signatures.agents and a region's access (by agent).
  if (value === null || typeof value !== 'object') return value;
  const out: { [k: string]: Json } = {};
  for (const [k, v] of Object.entries(value)) Object.defineProperty(out, keyedByName ? (map.get(k) ?? k) : k, { value: k === 'as' ? v : rename(v, map, k === 'nodes' || k === 'agents' || (k === 'access' && v !== null && typeof v === 'object' && !Array.isArray(v))), enumerable: true, writable: true, configurable: true });
  return out;
}

/**
 * The sim CPU draws hesitations, paraphrases, injection and context rot by agent id (`sim:<id>`), so a renamed
 * agent draws differently: both sides of the comparison run without those draws.
 */
function withoutNameDraws(value: Json): Json {
  if (Array.isArray(value)) return value.map(withoutNameDraws);
  if (value === null || typeof value !== 'object') return value;
  const out: { [k: string]: Json } = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'paraphrase' || k === 'injectionSusceptibility' || k === 'contextRot') continue;
    Object.defineProperty(out, k, { value: k === 'temperature' ? 0 : withoutNameDraws(v), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

async function outcome(doc: unknown) {
  const parsed = parseHarness(doc);
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('; '));
  const { summary } = await runSpec(parsed.spec, { seed: 1, approve: 'all' });
  return { stopReason: summary.stopReason, steps: summary.steps, events: summary.events, goals: Object.values(summary.goals) };
}

describe('prototype names as ids', () => {
  for (const file of EXAMPLES) {
    it(`${file} runs the same with its ids renamed to Object.prototype names`, async () => {
      const doc = withoutNameDraws(JSON.parse(readFileSync(`public/examples/${file}`, 'utf8')) as Json) as Record<string, Json>;
      const names = namesOf(doc);
      const expected = await outcome(doc);
      // Each name gets a prototype name in one of the variants.
      for (let start = 0; start < names.length; start += PROTO_NAMES.length) {
        const map = new Map(names.slice(start, start + PROTO_NAMES.length).map((n, i) => [n, PROTO_NAMES[i]!]));
        for (const n of names) if (!map.has(n) && PROTO_NAMES.includes(n)) throw new Error(`example already uses ${n}`);
        expect(await outcome(rename(doc, map)), `renamed ${JSON.stringify([...map])}`).toEqual(expected);
      }
    });
  }
});
