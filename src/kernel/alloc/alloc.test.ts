/**
 * The allocator: counters and high-water marks exact over an alloc/free sequence, the ledger of a
 * real run equal to a full count of the objects in its state (at every event, and after a seek),
 * and the export policy enforced on each path: OpenTelemetry, a trace file, another agent.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHarness, type HarnessSpec } from '../spec';
import { harness, TestKernel } from '../test/TestKernel';
import { traceToOtlp } from '../otel';
import type { KernelState } from '../state/state';
import type { KernelEvent } from '../trace/events';
import { exportFilter, traceFileEvents, WITHHELD } from './exportPolicy';
import { newLedger, slabAlloc, slabFree } from './ledger';
import { SLAB_HEADER, BYTES_PER_TOKEN } from './slabClass';
import { slabinfoText, slabRows } from './slabinfo';

function example(name: string, edit?: (doc: Record<string, any>) => void): HarnessSpec {
  const doc = JSON.parse(readFileSync(new URL(`../../../public/examples/${name}`, import.meta.url), 'utf8')) as Record<string, any>;
  edit?.(doc);
  const r = parseHarness(doc);
  if (!r.ok) throw new Error(r.issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  return r.spec;
}

/** What the ledger should say, counted the slow way over the whole state. */
function counted(s: KernelState, events: number) {
  const procs = Object.values(s.procs);
  const docs = Object.values(s.stores).flat().length + Object.values(s.views).flatMap((v) => Object.values(v).flat()).length;
  return {
    'prompt-segment': procs.reduce((n, p) => n + p.context.length, 0),
    'prompt-segment bytes': procs.reduce((n, p) => n + p.context.length * SLAB_HEADER['prompt-segment'] + p.contextTokens * BYTES_PER_TOKEN, 0),
    'trace-span': events,
    'tool-call': procs.filter((p) => p.call != null).length,
    'archive-chunk': docs,
    'job-descriptor': procs.filter((p) => p.state !== 'done' && p.state !== 'failed').length,
  };
}

describe('slab ledger', () => {
  it('keeps live, bytes, peaks, allocs and frees exact over an alloc/free sequence', () => {
    const l = newLedger();
    slabAlloc(l, 'tool-call', 3, 300);
    slabFree(l, 'tool-call', 2, 200);
    slabAlloc(l, 'tool-call', 4, 400);
    slabFree(l, 'tool-call', 1, 100);
    expect(l['tool-call']).toEqual({ live: 4, bytes: 400, peak: 5, peakBytes: 500, allocs: 7, frees: 3 });
    expect(l['prompt-segment']).toEqual({ live: 0, bytes: 0, peak: 0, peakBytes: 0, allocs: 0, frees: 0 });
  });

  it('matches a full count of the state at every event of a run with windows, tool calls, stores and compaction', async () => {
    for (const file of ['research-team.json', 'paging.json', 'regions.json']) {
      const t = new TestKernel(example(file));
      await t.runToStop();
      const events = t.events();
      for (const seq of [0, 1, Math.floor(events.length / 3), Math.floor(events.length / 2), events.length - 1]) {
        const s = t.stateAt(seq);
        const want = counted(s, seq + 1);
        const l = s.slabs!;
        expect({ file, seq, live: { 'prompt-segment': l['prompt-segment'].live, 'prompt-segment bytes': l['prompt-segment'].bytes, 'trace-span': l['trace-span'].live, 'tool-call': l['tool-call'].live, 'archive-chunk': l['archive-chunk'].live, 'job-descriptor': l['job-descriptor'].live } }).toEqual({ file, seq, live: want });
        for (const c of Object.values(l)) {
          expect(c.allocs - c.frees).toBe(c.live);
          expect(c.peak).toBeGreaterThanOrEqual(c.live);
        }
      }
    }
  });

  it('lists the classes like /proc/slabinfo with their export policy', async () => {
    const t = new TestKernel(example('regions.json'));
    await t.runToStop();
    const rows = slabRows(t.state.slabs, t.kernel.document)!;
    expect(rows.map((r) => r.cls.name)).toEqual(['prompt-segment', 'trace-span', 'tool-call', 'archive-chunk', 'job-descriptor']);
    expect(rows.find((r) => r.cls.name === 'prompt-segment')!.policy).toEqual({ file: true, otel: true, ipc: false });
    expect(rows.find((r) => r.cls.name === 'trace-span')!.allocs).toBe(t.events().length);
    const text = slabinfoText(rows);
    expect(text.split('\n')[1]).toMatch(/^# name +<live> <bytes> <peak>/);
    expect(text).toMatch(/^prompt-segment +\d+ +\d+ .* : export +yes +yes +no$/m);
  });
});

const toolRun = (policy?: Record<string, unknown>) =>
  harness({
    agents: [{ id: 'a', name: 'A', model: 'm', systemPrompt: 'You look things up.', capabilities: [{ target: 'lookup', access: 'use' }], behaviour: [{ op: 'call', tool: 'lookup', args: { q: 'secret plan' }, as: 'found' }, { op: 'finish', text: 'done' }] }],
    tools: [{ id: 'lookup', name: 'lookup', impl: { kind: 'sim', result: 'the result text', latencyMs: 5 } }],
    ...(policy ? { alloc: { classes: policy } } : {}),
  });

const spanNames = (events: KernelEvent[], spec: HarnessSpec): string[] =>
  traceToOtlp(events, { startUnixMs: 0, withhold: exportFilter(spec, 'otel') }).resourceSpans[0]!.scopeSpans[0]!.spans.map((s) => s.name);

describe('export policy', () => {
  it('keeps a class marked otel: false out of the OpenTelemetry export', async () => {
    const open = await new TestKernel(toolRun()).runToStop();
    expect(spanNames(open.events(), toolRun())).toContain('execute_tool lookup');
    const closed = toolRun({ 'tool-call': { export: { otel: false } } });
    const t = await new TestKernel(closed).runToStop();
    const names = spanNames(t.events(), closed);
    expect(names).not.toContain('execute_tool lookup');
    expect(names.some((n) => n.startsWith('invoke_agent'))).toBe(true);
    const text = JSON.stringify(traceToOtlp(t.events(), { startUnixMs: 0, withhold: exportFilter(closed, 'otel') }));
    expect(text).not.toContain('the result text');
    expect(text).not.toMatch(/"name":"tool\./);
    expect(JSON.stringify(traceToOtlp(open.events(), { startUnixMs: 0 }))).toContain('the result text');
    // The run itself is the same either way: the policy acts at the export, not in the run.
    expect(t.events().map((e) => e.type)).toEqual(open.events().map((e) => e.type));
  });

  it('withholds a class marked file: false from a trace file, keeping every event', async () => {
    const spec = toolRun({ 'tool-call': { export: { file: false } }, 'prompt-segment': { export: { file: false } } });
    const t = await new TestKernel(spec).runToStop();
    const filter = exportFilter(spec, 'file')!;
    const out = t.events().map((e) => filter(e)!);
    expect(out.map((e) => e.type)).toEqual(t.events().map((e) => e.type));
    const called = out.find((e) => e.type === 'tool.called') as unknown as Record<string, unknown>;
    expect(called.args).toBe(WITHHELD);
    const returned = out.find((e) => e.type === 'tool.returned') as unknown as Record<string, unknown>;
    expect(returned.result).toBe(WITHHELD);
    expect(JSON.stringify(out)).not.toContain('the result text');
    expect(exportFilter(toolRun(), 'file')).toBeNull();
  });

  it('traceFileEvents (what harness run --trace and the studio download write) applies the file policy, and nothing without one', async () => {
    const spec = toolRun({ 'prompt-segment': { export: { file: false } }, 'archive-chunk': { export: { file: false } } });
    const t = await new TestKernel(spec).runToStop();
    const out = traceFileEvents(spec, t.events());
    expect(out.map((e) => e.seq)).toEqual(t.events().map((e) => e.seq));
    const answers = out.filter((e) => e.type === 'infer.completed') as unknown as Record<string, unknown>[];
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.every((e) => e.text === WITHHELD && e.action === WITHHELD)).toBe(true);
    // A class left open stays: the tool's result is in the file.
    expect(JSON.stringify(out)).toContain('the result text');
    // The run's events themselves are untouched.
    expect(t.events('infer.completed').every((e) => typeof e.text === 'string' && e.text !== WITHHELD)).toBe(true);
    // No policy, or an unknown document: the events as they are.
    const open = (await new TestKernel(toolRun()).runToStop()).events();
    expect(traceFileEvents(toolRun(), open)).toBe(open);
    const events = t.events();
    expect(traceFileEvents(null, events)).toBe(events);
  });

  it('refuses a message that carries an object of a class marked ipc: false, and sends it without the policy', async () => {
    const t = await new TestKernel(example('regions.json')).runToStop();
    const denied = t.events('msg.denied');
    expect(denied).toHaveLength(1);
    expect(denied[0]!.decision).toMatchObject({ module: 'alloc', code: 'export-policy', rule: 'alloc.classes.prompt-segment.export.ipc' });
    expect(t.events('msg.sent')).toHaveLength(0);
    const open = await new TestKernel(example('regions.json', (d) => delete d.alloc)).runToStop();
    expect(open.events('msg.denied')).toHaveLength(0);
    expect(open.events('msg.sent').map((e) => e.text)).toEqual(['Forwarding what I read: Launch brief v1: the launch is on Monday.']);
  });
});

describe('slabs in /proc', () => {
  it('are in an agent\'s /proc only when the document declares allocator policies', async () => {
    const { procSnapshot } = await import('../proc');
    const t = await new TestKernel(example('regions.json')).runToStop();
    const snap = procSnapshot(t.state, t.kernel.document, 'reader')!;
    expect(snap.slabs!.find((x) => x.class === 'trace-span')).toMatchObject({ live: t.events().length, allocs: t.events().length, frees: 0 });
    const plain = example('regions.json', (d) => delete d.alloc);
    expect(procSnapshot(t.state, plain, 'reader')!.slabs).toBeUndefined();
  });
});
