/**
 * Every lesson of the examples index parses, and every jump of every example lands on an event
 * of its run at seed 1, matched by the debugger's breakpoint matcher. An example on a real model
 * cannot run offline: its jumps are checked against the document (the agent exists) and the
 * event types the schema knows, and the studio marks the example as needing a model.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Kernel, parseExampleIndex, parseHarness, type HarnessSpec, type KernelEvent } from '../kernel';
import { firstJumpSeq, LESSON_SEED, needsModel } from './lessonJump';

/** The run at seed 1 as the studio plays it: until it stops or waits for a person. */
async function runAtSeed(spec: HarnessSpec): Promise<readonly KernelEvent[]> {
  const kernel = Kernel.create(spec, { runId: 'lesson', seed: LESSON_SEED });
  await kernel.runUntil({ maxEvents: 200_000 });
  return kernel.events;
}

const parsed = parseExampleIndex(JSON.parse(readFileSync('public/examples/index.json', 'utf8')));

describe('the examples index', () => {
  it('parses: every entry has a pillar and a lesson', () => {
    expect(parsed.ok ? [] : parsed.errors).toEqual([]);
  });

  it('says where and what when an entry is wrong', () => {
    const r = parseExampleIndex([{ file: 'x.json', name: 'X', about: 'a', pillar: 'sched', lesson: { watch: 'w', mechanism: 'm', analogy: 'a', question: 'q', jumps: [{ label: 'l', type: 'tool.calld' }] } }]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual([
      expect.stringMatching(/^\[0\] \(x\.json\) pillar: /),
      '[0] (x.json) lesson.jumps.0.type: not a kernel event type (kernel/trace/events.ts)',
    ]);
  });

  it('a jump naming an agent lands only on that agent\'s event', async () => {
    const r = parseHarness(JSON.parse(readFileSync('public/examples/research-team.json', 'utf8')));
    if (!r.ok) throw new Error('bad example');
    const events = await runAtSeed(r.spec);
    const any = firstJumpSeq(events, { type: 'msg.sent' })!;
    const researcher = firstJumpSeq(events, { type: 'msg.sent', agent: 'researcher' })!;
    expect(researcher).toBeGreaterThan(any);
    expect(events[researcher]).toMatchObject({ type: 'msg.sent', agent: 'researcher' });
    expect(firstJumpSeq(events, { type: 'tool.called', agent: 'planner' })).toBeNull();
  });

  const entries = parsed.ok ? parsed.entries : [];
  for (const entry of entries) {
    it(`${entry.file}: every jump lands on an event at seed ${LESSON_SEED}`, async () => {
      const r = parseHarness(JSON.parse(readFileSync(`public/examples/${entry.file}`, 'utf8')));
      if (!r.ok) throw new Error(`${entry.file}: ${r.issues.map((i) => i.message).join('; ')}`);
      const agents = new Set(r.spec.agents.map((a) => a.id));
      for (const j of entry.lesson.jumps) if (j.agent !== undefined) expect(agents.has(j.agent), `${entry.file}: jump "${j.label}" names no agent of the document`).toBe(true);
      if (needsModel(r.spec)) return; // checked statically above; the studio marks it as needing a model
      const events = await runAtSeed(r.spec);
      const missing = entry.lesson.jumps.filter((j) => firstJumpSeq(events, j) === null).map((j) => `${j.label} (${j.type}${j.agent ? ` by ${j.agent}` : ''})`);
      expect(missing, `${entry.file}: jumps with no event at seed ${LESSON_SEED}`).toEqual([]);
    }, 60_000);
  }
});
