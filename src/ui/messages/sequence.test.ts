import { describe, expect, it } from 'vitest';
import { Conversation } from './fixtures.test-data';
import { inputRequiredForHuman, messageAtSeq, SequenceCache, sequenceAt, stateName } from './sequence';

const AGENTS = ['planner', 'coder', 'reviewer'];

/** planner asks coder (delivered at 110, read at 150); coder answers with one of two facts lost; reviewer is denied. */
function conversation(): Conversation {
  return new Conversation()
    .started(AGENTS)
    .at(100).sent('planner', 'coder', 'write the parser', { facts: ['uses zod', 'v1 only'], task: 't1', latency: 10 })
    .task('t1', 'planner', 'coder', null, 'TASK_STATE_SUBMITTED', 'm1', 'created')
    .at(110).delivered('m1', 'planner', 'coder')
    .retained('m1', 'planner', 'coder', ['uses zod', 'v1 only'], ['uses zod', 'v1 only'])
    .at(150).woke('m1', 'planner', 'coder', 'write the parser')
    .task('t1', 'planner', 'coder', 'TASK_STATE_SUBMITTED', 'TASK_STATE_WORKING', 'm1', 'picked up')
    .at(300).denied('reviewer', 'planner', 'no channel reviewer → planner')
    .at(400).sent('planner', 'coder', 'also tests', { facts: ['vitest', 'no jsdom'], task: 't1' })
    .at(410).delivered('m2', 'planner', 'coder')
    .retained('m2', 'planner', 'coder', ['vitest', 'no jsdom'], ['vitest']);
}

describe('sequenceAt', () => {
  it('draws each message from its send to its delivery and read', () => {
    const c = conversation();
    const m = sequenceAt(c.events, c.last, AGENTS);
    const first = m.messages[0]!;
    expect(first).toMatchObject({ seq: 1, msgId: 'm1', from: 'planner', to: 'coder', tSent: 100, deliverAt: 110, tDelivered: 110, tRead: 150, text: 'write the parser', task: 't1' });
    expect(first.facts).toEqual(['uses zod', 'v1 only']);
    expect(first.retained).toEqual({ tracked: ['uses zod', 'v1 only'], arrived: ['uses zod', 'v1 only'], lost: [] });
    const second = m.messages.find((x) => x.msgId === 'm2')!;
    expect(second).toMatchObject({ tDelivered: 410, tRead: null });
    expect(second.retained?.lost).toEqual(['no jsdom']);
  });

  it('keeps a denied message as a crossed arrow with its reason', () => {
    const c = conversation();
    const denied = sequenceAt(c.events, c.last, AGENTS).messages.find((x) => x.denied !== undefined)!;
    expect(denied).toMatchObject({ seq: 7, msgId: null, from: 'reviewer', to: 'planner', tSent: 300, tDelivered: null, denied: 'no channel reviewer → planner' });
  });

  it('follows a task through its states along the server', () => {
    const c = conversation();
    const [t1] = sequenceAt(c.events, c.last, AGENTS).tasks;
    expect(t1).toMatchObject({ task: 't1', client: 'planner', server: 'coder' });
    expect(t1!.states.map((s) => [stateName(s.state), s.t, s.reason])).toEqual([
      ['submitted', 100, 'created'],
      ['working', 150, 'picked up'],
    ]);
  });

  it('sums retention per edge over its messages and lists each lost fact once', () => {
    const c = conversation();
    c.at(500).sent('planner', 'coder', 'again', { facts: ['no jsdom'] }).retained('m3', 'planner', 'coder', ['no jsdom'], []);
    const [edge] = sequenceAt(c.events, c.last, AGENTS).edges;
    expect(edge).toEqual({ from: 'planner', to: 'coder', messages: 3, tracked: 5, arrived: 3, ratio: 3 / 5, lost: ['no jsdom'] });
  });

  it('cuts everything after the cursor', () => {
    const c = conversation();
    const at = sequenceAt(c.events, 4, AGENTS); // up to m1's retention, before it was read
    expect(at.head).toBe(4);
    expect(at.messages.map((x) => x.msgId)).toEqual(['m1']);
    expect(at.messages[0]).toMatchObject({ tDelivered: 110, tRead: null });
    expect(at.tasks[0]!.states.map((s) => s.state)).toEqual(['TASK_STATE_SUBMITTED']);
    expect(at.edges[0]).toMatchObject({ messages: 1, tracked: 2, arrived: 2, ratio: 1 });
    expect(sequenceAt(c.events, -1, AGENTS).messages).toEqual([]);
  });

  it('adds the human lifeline only once a message involves them, leftmost', () => {
    const c = conversation();
    expect(sequenceAt(c.events, c.last, AGENTS).lifelines).toEqual(AGENTS);
    c.at(600).sent('human', 'coder', 'ship it');
    expect(sequenceAt(c.events, c.last, AGENTS).lifelines).toEqual(['human', ...AGENTS]);
    expect(sequenceAt(c.events, c.last - 1, AGENTS).lifelines).toEqual(AGENTS);
  });

  it('puts agents it did not know of after the given ones, in order of appearance', () => {
    const c = new Conversation().sent('scout', 'planner', 'found it');
    expect(sequenceAt(c.events, c.last, ['planner']).lifelines).toEqual(['planner', 'scout']);
  });

  it('measures the longest chain of edges end to end', () => {
    const c = new Conversation()
      .started(AGENTS)
      .sent('planner', 'coder', 'a', { facts: ['f1', 'f2'] })
      .retained('m1', 'planner', 'coder', ['f1', 'f2'], ['f1', 'f2'])
      .sent('coder', 'reviewer', 'b', { facts: ['f1', 'f2'] })
      .retained('m2', 'coder', 'reviewer', ['f1', 'f2'], ['f2']);
    expect(sequenceAt(c.events, c.last, AGENTS).chain).toEqual({ path: ['planner', 'coder', 'reviewer'], tracked: ['f1', 'f2'], survived: ['f2'], ratio: 0.5 });
    expect(sequenceAt(c.events, 2, AGENTS).chain).toBeNull();
  });
});

describe('SequenceCache', () => {
  it('matches a fresh build whether the cursor moves forward, back or the trace is replaced', () => {
    const c = conversation();
    const cache = new SequenceCache();
    for (const cursor of [0, 3, 4, 9, c.last, 2, c.last]) expect(cache.at(c.events, cursor, AGENTS)).toEqual(sequenceAt(c.events, cursor, AGENTS));
    const other = new Conversation().started(['a', 'b']).sent('a', 'b', 'hi');
    expect(cache.at(other.events, other.last, ['a', 'b'])).toEqual(sequenceAt(other.events, other.last, ['a', 'b']));
  });

  it('reads a growing trace incrementally and leaves models it handed out unchanged', () => {
    const c = new Conversation().started(AGENTS).at(5).sent('planner', 'coder', 'hi');
    const cache = new SequenceCache();
    const before = cache.at(c.events, c.last, AGENTS);
    expect(cache.at(c.events, c.last, AGENTS)).toBe(before);
    c.at(15).delivered('m1', 'planner', 'coder');
    const after = cache.at(c.events, c.last, AGENTS);
    expect(after.messages[0]!.tDelivered).toBe(15);
    expect(before.messages[0]!.tDelivered).toBeNull();
  });
});

describe('inputRequiredForHuman', () => {
  it('lists tasks waiting on the human, as client or asked by the server, and drops them once answered', () => {
    const c = new Conversation()
      .started(AGENTS)
      .sent('human', 'planner', 'plan a release', { task: 'h1' })
      .task('h1', 'human', 'planner', null, 'TASK_STATE_WORKING')
      .task('h1', 'human', 'planner', 'TASK_STATE_WORKING', 'TASK_STATE_INPUT_REQUIRED', null, 'which version?')
      .sent('planner', 'coder', 'fix it', { task: 't2' })
      .task('t2', 'planner', 'coder', null, 'TASK_STATE_INPUT_REQUIRED')
      .task('t3', 'planner', 'reviewer', null, 'TASK_STATE_INPUT_REQUIRED')
      .sent('reviewer', 'human', 'may I merge?', { task: 't3' });
    expect(inputRequiredForHuman(sequenceAt(c.events, c.last, AGENTS)).map((t) => t.task)).toEqual(['h1', 't3']);
    c.task('h1', 'human', 'planner', 'TASK_STATE_INPUT_REQUIRED', 'TASK_STATE_WORKING');
    expect(inputRequiredForHuman(sequenceAt(c.events, c.last, AGENTS)).map((t) => t.task)).toEqual(['t3']);
  });
});

describe('messageAtSeq', () => {
  it('finds the message an event at the cursor belongs to', () => {
    const c = conversation();
    const m = sequenceAt(c.events, c.last, AGENTS);
    expect(messageAtSeq(m, 5)?.msgId).toBe('m1'); // its agent.woke
    expect(messageAtSeq(m, 7)?.denied).toBeDefined();
    expect(messageAtSeq(m, 0)).toBeNull();
  });
});

describe('stateName', () => {
  it('uses the short A2A names', () => {
    expect(stateName('TASK_STATE_INPUT_REQUIRED')).toBe('input-required');
    expect(stateName('TASK_STATE_AUTH_REQUIRED')).toBe('auth-required');
    expect(stateName('TASK_STATE_COMPLETED')).toBe('completed');
  });
});
