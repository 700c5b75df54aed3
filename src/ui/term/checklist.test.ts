import { describe, expect, it } from 'vitest';
import { parseHarness, type HarnessSpec, type HarnessSpecInput } from '../../kernel';
import { segment } from '../memory/fixtures.test-data';
import { kernelState, proc, TraceBuilder } from '../sched/fixtures.test-data';
import { conditionLabel, goalChecklist } from './checklist';

const agent = (id: string) => ({ id, name: id, model: 'm', behaviour: [{ op: 'finish', text: 'ok' }] });

function spec(goals: HarnessSpecInput['goals'], limits: HarnessSpecInput['limits'] = {}): HarnessSpec {
  const parsed = parseHarness({
    version: 1,
    name: 'team',
    models: [{ id: 'm', name: 'm', provider: 'sim', model: 'sim-1', contextWindow: 8192, priceIn: 0, priceOut: 0 }],
    agents: [agent('planner'), agent('writer')],
    goals,
    limits,
  });
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('\n'));
  return parsed.spec;
}

describe('goal checklist', () => {
  const goals: HarnessSpecInput['goals'] = [
    { id: 'report', name: 'A report exists', when: { kind: 'artifact', name: 'report', contains: 'MemGPT' } },
    { id: 'writer-done', name: 'Writer finished', scope: 'writer', when: { kind: 'finished', agent: 'writer' } },
  ];

  it('marks a goal met at its goal.met event and explains both', () => {
    const trace = new TraceBuilder().started({ m: 1 }, ['planner', 'writer']).push({ type: 'artifact.written', agent: 'writer', name: 'report', text: 'MemGPT pages' }).push({ type: 'goal.met', goal: 'report', name: 'A report exists' });
    const state = kernelState({
      seq: 2,
      procs: { planner: proc('planner'), writer: proc('writer', { state: 'blocked' }) },
      artifacts: { report: { agent: 'writer', text: 'MemGPT pages', seq: 1 } },
      goalsMet: { report: true },
    });

    const [report, done] = goalChecklist(spec(goals), state, trace.events, 2);

    expect(report).toMatchObject({ id: 'report', scope: 'harness', met: true, metAt: 2, holds: true, why: 'artifact "report" exists and contains "MemGPT"' });
    expect(done).toMatchObject({ id: 'writer-done', scope: 'writer', met: false, metAt: null, holds: false, why: 'writer is blocked, not finished' });
  });

  it('ignores goal.met events after the cursor', () => {
    const trace = new TraceBuilder().started({ m: 1 }, ['planner', 'writer']).push({ type: 'goal.met', goal: 'writer-done', name: 'Writer finished' });
    const state = kernelState({ seq: 0, procs: { planner: proc('planner'), writer: proc('writer', { state: 'done' }) } });

    const done = goalChecklist(spec(goals), state, trace.events, 0)[1]!;

    // It holds at the cursor, but the run records it one event later.
    expect(done).toMatchObject({ met: false, metAt: null, holds: true, why: 'writer finished' });
  });

  it('shows nested all/any as a tree, each part with its own status and explanation', () => {
    const nested: HarnessSpecInput['goals'] = [
      {
        id: 'shipped',
        name: 'Shipped',
        when: {
          kind: 'all',
          of: [
            { kind: 'finished', agent: 'planner' },
            { kind: 'any', of: [{ kind: 'message', from: 'planner', to: 'writer', tag: 'verdict' }, { kind: 'fact', fact: 'Budget is 5k', in: 'writer' }] },
          ],
        },
      },
    ];
    const state = kernelState({
      procs: { planner: proc('planner', { state: 'done' }), writer: proc('writer', { context: [segment('s1', { text: 'the budget is 5K.' })] }) },
    });

    const [row] = goalChecklist(spec(nested), state, [], 5);

    expect(row!.met).toBe(false);
    expect(row!.holds).toBe(true);
    expect(row!.condition.label).toBe('all of 2');
    const [finished, any] = row!.condition.children;
    expect(finished).toMatchObject({ path: 'of[0]', holds: true, label: 'planner finished', why: 'planner finished' });
    expect(any).toMatchObject({ path: 'of[1]', kind: 'any', holds: true, label: 'any of 2' });
    expect(any!.children.map((c) => [c.path, c.holds, c.why])).toEqual([
      ['of[1].of[0]', false, 'no message from planner to writer tagged "verdict" was sent (0 sent in all)'],
      ['of[1].of[1]', true, "writer's context holds \"Budget is 5k\""],
    ]);
  });

  it('measures a harness budget goal against the document limits', () => {
    const budget = spec([{ id: 'cheap', name: 'Cheap', when: { kind: 'budget', tokensLeft: 500 } }], { maxTokens: 1000 });
    const state = kernelState({ tokensIn: 400, tokensOut: 200 });

    const [row] = goalChecklist(budget, state, [], 0);

    expect(row).toMatchObject({ met: false, holds: false, why: 'the harness: 400 tokens left (needs 500)' });
  });

  it('lists the goals unevaluated before any state', () => {
    const rows = goalChecklist(spec(goals), null, [], -1);

    expect(rows.map((r) => [r.id, r.met, r.holds, r.why])).toEqual([
      ['report', false, false, 'no run at the cursor yet'],
      ['writer-done', false, false, 'no run at the cursor yet'],
    ]);
  });
});

describe('condition labels', () => {
  it('say what each kind asks', () => {
    expect(conditionLabel({ kind: 'artifact', name: 'out', fields: { status: 'approved' } })).toBe('artifact "out" with status=approved');
    expect(conditionLabel({ kind: 'message' })).toBe('any message was sent');
    expect(conditionLabel({ kind: 'message', to: 'human', contains: 'done' })).toBe('a message to human containing "done" was sent');
    expect(conditionLabel({ kind: 'budget', group: 'team', costLeft: 0.5 })).toBe('budget in group team: ≥ $0.5 left');
    expect(conditionLabel({ kind: 'budget' })).toBe('budget under the harness limits not spent');
  });
});
