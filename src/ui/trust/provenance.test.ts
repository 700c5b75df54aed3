import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { auditRows, cliAnswers, Kernel, Projection, asRunId, runToStop } from '../../kernel';
import { BY_PERSON, changeOfRow, filterOptions, NO_FILTER, passes, runSpec } from './provenance';

describe('the audit table\'s provenance filters', () => {
  it('narrow Approvals to the write a person approved, by authority, review, model and agent', async () => {
    const doc = JSON.parse(readFileSync(new URL('../../../public/examples/approvals.json', import.meta.url), 'utf8')) as object;
    const spec = runSpec(doc)!;
    expect(runSpec(doc)).toBe(spec);
    const k = Kernel.create(spec, { runId: asRunId('t'), seed: 1 });
    await k.runUntil({ maxEvents: 10_000 });
    k.submit({ kind: 'approve', callId: k.openAsks()[0]!.callId, remember: false });
    await k.runUntil({ maxEvents: 10_000 });
    const p = new Projection();
    p.append(k.events);
    const first = p.provenance.records().find((r) => r.tool === 'fs_write')!;
    expect(k.submit({ kind: 'review', seq: first.seq, verdict: 'approved' })).toEqual({ ok: true });
    await runToStop(k, cliAnswers('all'));
    p.append(k.events.slice(p.events.length));
    const rows = auditRows(k.events);
    const described = rows.map((row) => changeOfRow(row, (seq) => p.provenance.record(seq), spec));
    const shown = (f: Partial<typeof NO_FILTER>, cursor = k.head) => rows.filter((row, i) => passes(row, described[i]!, { ...NO_FILTER, ...f }, cursor)).map((r) => r.seq);
    expect(shown({})).toHaveLength(rows.length);
    const writes = rows.filter((r) => r.tool === 'fs_write').map((r) => r.seq);
    expect(writes).toHaveLength(2);
    expect(shown({ authority: BY_PERSON })).toEqual(writes);
    expect(shown({ review: 'approved' })).toEqual([first.seq]);
    // Before the review, the change was unreviewed.
    const reviewed = k.events.find((e) => e.type === 'change.reviewed')!.seq;
    expect(shown({ review: 'approved' }, reviewed - 1)).toEqual([]);
    expect(shown({ agent: 'researcher', authority: BY_PERSON })).toEqual([]);
    const options = filterOptions(rows, described);
    expect(options.agents).toEqual(['researcher', 'writer']);
    expect(options.models).toEqual(['sim · harness-sim/1']);
    expect(shown({ model: 'sim · harness-sim/1' })).toHaveLength(described.filter(Boolean).length);
    expect(options.rules).toContain('mode:ask');
  });
});
