/**
 * cloneState (snapshots, seeks) keeps every id-keyed table without a prototype, so an agent,
 * store or variable named like an Object.prototype member is data, never an inherited member.
 */
import { describe, expect, it } from 'vitest';
import { Kernel, asRunId, parseHarness } from '..';
import { cloneState } from './reduce';
import type { KernelState } from './state';

const proto = (v: unknown): unknown => Object.getPrototypeOf(v);

describe('cloneState', () => {
  it("rebuilds every id table (top level, each store view, each agent's vars and taint) with a null prototype, and keeps the data", async () => {
    const text = (await import('node:fs')).readFileSync(new URL('../../../public/examples/research-team.json', import.meta.url), 'utf8');
    const parsed = parseHarness(text);
    if (!parsed.ok) throw new Error('example invalid');
    const k = Kernel.create(parsed.spec, { runId: asRunId('c'), seed: 1 });
    await k.runUntil({ maxEvents: 60 });
    const s = k.state as KernelState;
    const c = cloneState(s);
    expect(JSON.stringify(c)).toBe(JSON.stringify(s));
    for (const key of ['procs', 'slots', 'models', 'groups', 'bandwidth', 'runqueues', 'stores', 'artifacts', 'goalsMet', 'handles', 'views', 'tasks'] as const) {
      expect(proto(c[key]), key).toBe(null);
    }
    for (const store of Object.keys(c.views)) expect(proto(c.views[store]), `views.${store}`).toBe(null);
    const ids = Object.keys(c.procs);
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) {
      expect(proto(c.procs[id]!.vars), `${id}.vars`).toBe(null);
      expect(proto(c.procs[id]!.taint), `${id}.taint`).toBe(null);
    }
    // Data, not inherited members.
    expect(c.procs['constructor']).toBeUndefined();
    expect(c.procs['toString']).toBeUndefined();
  });

  it('reads a state an older version stored without some tables', async () => {
    const { stateFromJson } = await import('./reduce');
    const s = stateFromJson(JSON.stringify({ procs: { a: { vars: { x: '1' } } }, now: 0 }));
    expect(proto(s.procs)).toBe(null);
    expect(proto(s.procs['a']!.vars)).toBe(null);
    expect(s.views).toBeUndefined();
  });
});
