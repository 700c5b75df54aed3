/**
 * TestKernel's own contract: each expectation passes on the behaviour it names and fails on any
 * other with a message that says what was expected, what came instead, the scenario so far and
 * the events around the failure.
 */
import { describe, expect, it } from 'vitest';
import { harness, ScenarioFailure, TestKernel } from './TestKernel';

/** One agent calls `mail` without a capability: denied by the capability module, then finishes. */
const denied = harness({
  tools: [{ id: 'mail', name: 'mail.send', impl: { kind: 'sim', result: 'sent' } }],
  agents: [{ id: 'a', name: 'A', model: 'm', behaviour: [{ op: 'call', tool: 'mail', args: { to: 'x' } }, { op: 'write', artifact: 'note', text: 'tried' }, { op: 'finish' }] }],
});

/** `mode: ask`: the writer's write waits for a person. */
const asking = harness({
  tools: [{ id: 'fs', name: 'fs.write', sideEffect: 'write', impl: { kind: 'sim', result: 'wrote' } }],
  agents: [{ id: 'writer', name: 'W', model: 'm', capabilities: [{ target: 'fs' }], behaviour: [{ op: 'call', tool: 'fs', args: { path: '/r.md' } }, { op: 'finish' }] }],
  policy: { mode: 'ask' },
} as never);

/** The message of the failure a scenario ends with (it must fail). */
async function failureOf(scenario: TestKernel): Promise<string> {
  try {
    await scenario;
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('the scenario passed; expected it to fail');
}

describe('a scenario that holds', () => {
  it('passes every expectation that names what happened, and resolves to the TestKernel itself', async () => {
    const t = new TestKernel(denied);
    const same = await t
      .runUntil('tool.called', { tool: 'mail', args: { to: 'x' } })
      .expectLastEvent('tool.called', { agent: 'a' })
      .expectNoEvent('tool.denied')
      .step()
      .expectLastEvent('tool.denied', { decision: { module: 'capability', reason: /no capability on mail/ } })
      .expectAgent('a', { state: 'ready', call: null })
      .runToStop()
      .expectStop('completed', { goals: {} })
      .expectEvents('tool.denied', [{ tool: 'mail', decision: { code: 'no-handle' } }])
      .expectEvent('artifact.written', { name: 'note', text: expect.stringMatching(/^tri/) })
      .expectArtifact('note', 'tried')
      .expectState({ steps: 3, stopped: { reason: 'completed' } })
      .expectAgent('a', 'done')
      .expectNoEvent('tool.returned');
    expect(same).toBe(t);
    expect(t.events('tool.denied')).toHaveLength(1);
  });

  it('keeps going after an await: a person approves and the run continues in place', async () => {
    const t = new TestKernel(asking);
    await t.runToEnd().expectWaiting([{ agent: 'writer', tool: 'fs', decision: { ask: 'approve' } }]).expectAgent('writer', 'syscall');
    const head = t.kernel.head;
    await t.approve('writer').runToStop().expectStop('completed').expectEvent('tool.approved', { seq: head + 1, agent: 'writer' });
  });
});

describe('failure messages', () => {
  it('expectEvent names the closest event and the field that differs, and marks the failing line in the scenario', async () => {
    const message = await failureOf(new TestKernel(denied).runToStop().expectEvent('tool.denied', { tool: 'mail', decision: { module: 'taint' } }).step());
    expect(message).toContain('expectEvent(tool.denied {"tool":"mail","decision":{"module":"taint"}})');
    expect(message).toMatch(/the closest, #\d+, differs:\n\s+at decision.module: expected "taint", got "capability"/);
    // The candidate lists the expected fields first, so a long payload never hides them.
    expect(message).toMatch(/#\d+ t=\d+ tool.denied a tool="mail" decision=\{"hook":"tool.call","module":"capability"/);
    expect(message).toMatch(/Scenario:\n {2}✓ start run test-run of "test", seed 1 {2}→ #\d+\n {2}✓ runToStop\(\) {2}→ #\d+, stopped \(completed: .*\)\n {2}✗ expectEvent\(.*\)\n {2}· step\(1\)/);
    expect(message).toMatch(/Last 8 of \d+ events:\n {4}#\d+ t=\d+ /);
  });

  it('expectEvent says when there is no event of that type at all', async () => {
    const message = await failureOf(new TestKernel(denied).runToStop().expectEvent('tool.asked'));
    expect(message).toContain('there is no tool.asked event at all');
  });

  it('runUntil says how the run ended instead of silently running out', async () => {
    const message = await failureOf(new TestKernel(denied).runUntil('tool.allowed', { tool: 'mail' }));
    expect(message).toMatch(/no tool.allowed \{"tool":"mail"\} before the run stopped \(completed: "every agent finished/);
  });

  it('step says after how many events the run stopped', async () => {
    const message = await failureOf(new TestKernel(denied).step(500));
    expect(message).toMatch(/step\(500\)\n {2}the run stopped \(completed: .*\) after \d+ of 500 events/);
  });

  it('runToStop and expectStop say that the run waits for a person, and on what', async () => {
    expect(await failureOf(new TestKernel(asking).runToStop())).toContain('the run waits for a person (writer asks approve fs) instead of stopping');
    expect(await failureOf(new TestKernel(asking).runToEnd().expectStop('completed'))).toContain('the run waits for a person (writer asks approve fs); it has not stopped');
  });

  it('expectStop shows the stop that happened and the fields that differ', async () => {
    const message = await failureOf(new TestKernel(denied).runToStop().expectStop('deadlock', { detail: /cycle/ }));
    expect(message).toContain('it stopped with completed: "every agent finished and every goal is met"');
    expect(message).toContain('at reason: expected "deadlock", got "completed"');
    expect(message).toMatch(/at detail: expected "\/cycle\/", got "every agent/);
  });

  it('approve without an open ask lists the open asks and how the run stands', async () => {
    const message = await failureOf(new TestKernel(denied).runToStop().approve('a'));
    expect(message).toContain('a has no open ask; open asks: []');
    expect(message).toContain('the run stopped (completed');
  });

  it('expectNoEvent shows the offending event with the events around it', async () => {
    const message = await failureOf(new TestKernel(denied).runToStop().expectNoEvent('tool.denied', { tool: 'mail' }));
    const seq = /#(\d+) is one: #\1 t=\d+ tool.denied a/.exec(message)?.[1];
    expect(seq).toBeDefined();
    expect(message).toContain('Events around it:');
    expect(message).toContain(`#${Number(seq) - 1} t=`);
    expect(message).toContain(`#${Number(seq) + 1} t=`);
  });

  it('expectAgent says the state it is in and shows that agent\'s last events', async () => {
    const message = await failureOf(new TestKernel(denied).runToStop().expectAgent('a', 'blocked'));
    expect(message).toContain('a is done');
    expect(message).toContain('at state: expected "blocked", got "done"');
    expect(message).toMatch(/Events around it:\n {4}#\d+ t=\d+ \S+ a /);
    expect(await failureOf(new TestKernel(denied).expectAgent('ghost', 'ready'))).toContain('no process ghost; processes: a (ready)');
  });

  it('expectEvents says how many there were, or which one differs where', async () => {
    expect(await failureOf(new TestKernel(denied).runToStop().expectEvents('tool.denied', [{}, {}]))).toContain('1 tool.denied events, expected 2');
    expect(await failureOf(new TestKernel(denied).runToStop().expectEvents('tool.denied', [{ decision: { code: 'lease-ended' } }]))).toMatch(/#\d+ \(tool.denied 1\) at decision.code: expected "lease-ended", got "no-handle"/);
  });

  it('expectLastEvent shows the last event when its type differs', async () => {
    expect(await failureOf(new TestKernel(denied).runToStop().expectLastEvent('tool.denied'))).toMatch(/the last event is #\d+ t=\d+ run.stopped reason="completed"/);
  });

  it('expectArtifact shows what the artifact reads and who wrote it, or which artifacts exist', async () => {
    expect(await failureOf(new TestKernel(denied).runToStop().expectArtifact('note', /sent/))).toMatch(/note \(written at #\d+ by a\) reads "tried"/);
    expect(await failureOf(new TestKernel(denied).runToStop().expectArtifact('report', 'x'))).toContain('no artifact report; artifacts: note');
  });

  it('expectSameTrace names the first event where two traces part', async () => {
    const one = await new TestKernel(denied).runToStop();
    const other = await new TestKernel(asking).runToEnd();
    const message = await failureOf(one.expectSameTrace(other));
    expect(message).toMatch(/the traces part at #0 \(\d+ events here, \d+ in test-run\)\n {2}here: {2}#0 t=0 run.started/);
  });

  it('expectRefused fails when the kernel accepts the input, or refuses for another reason', async () => {
    const t = await new TestKernel(asking).runToEnd();
    const callId = t.openAsk('writer').callId;
    expect(await failureOf(t.expectRefused({ kind: 'approve', callId, remember: false }, /not waiting/))).toContain('the kernel accepted it; expected a refusal matching "/not waiting/"');
    expect(await failureOf(new TestKernel(asking).expectRefused({ kind: 'message', to: 'ghost', text: 'hi' }, /not waiting/))).toMatch(/refused with ".*no running agent.*", expected "\/not waiting\/"/);
  });

  it('a fork or a restore says in its scenario where it came from', async () => {
    const t = await new TestKernel(denied, { snapshotEvery: 4 }).runToStop();
    expect(await failureOf(t.fork(5).runToStop().expectStop('deadlock'))).toContain('✓ fork run test-run after #5 as fork  → #6');
    expect(await failureOf(t.restore({ upTo: 9, fromSnapshot: true }).expectStop('deadlock'))).toContain('✓ restore run test-run from #0..#9 (snapshot at #8)  → #9');
  });

  it('check keeps the framework\'s assertion and adds the scenario to it', async () => {
    let caught: unknown;
    try {
      await new TestKernel(denied).runToStop().check((t) => expect(t.state.steps).toBe(99));
    } catch (err) {
      caught = err;
    }
    expect(caught).not.toBeInstanceOf(ScenarioFailure);
    expect((caught as Error).message).toMatch(/^expected 3 to be 99[^]*Scenario:[^]*✗ check\(…\)/);
  });
});

describe('how failures surface', () => {
  it('a failure is a ScenarioFailure whose stack points at the test line that chained the failing call', async () => {
    let caught: unknown;
    try {
      await new TestKernel(denied).runToStop().expectAgent('a', 'failed');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ScenarioFailure);
    const { message, stack } = caught as Error;
    const frames = stack!.slice(stack!.indexOf(message) + message.length).trim().split('\n');
    expect(frames[0]).toMatch(/^at .*TestKernel\.test\.ts:\d+:\d+/);
  });

  it('reading the kernel while lines still run is an error that says to await the chain', async () => {
    const t = new TestKernel(denied);
    const pending = t.runToStop();
    expect(() => t.events()).toThrow(/TestKernel.events\(\) read while 1 scenario line\(s\) still run: await the chain first/);
    expect(() => t.state).toThrow(/await the chain first/);
    await pending;
    expect(t.events('run.stopped')).toHaveLength(1);
  });

  it('after a failed line, the lines chained behind it do not run', async () => {
    const t = new TestKernel(denied);
    await failureOf(t.expectEvent('tool.asked').runToStop());
    expect(t.kernel.stopped).toBe(false);
  });
});
