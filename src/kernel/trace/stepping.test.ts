import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Kernel, loadEncodingsFor, parseHarness, type KernelEvent } from '..';
import { callerAt, findStop, findStopPaged, focusAt, stepper, type StepRequest } from './stepping';

/** The research-team example at seed 1: planner sends to researcher and writer; researcher calls web_search. */
let events: readonly KernelEvent[] = [];
const first = (pred: (e: KernelEvent) => boolean, after = -1): KernelEvent => {
  const e = events.find((x) => x.seq > after && pred(x));
  if (!e) throw new Error('no such event');
  return e;
};
const turnEnd = (agent: string, after = -1, action?: string) => first((e) => e.type === 'infer.completed' && e.agent === agent && (action === undefined || e.action.kind === action), after);
const stop = (req: StepRequest) => findStop(events, req, events.length - 1);

beforeAll(async () => {
  const parsed = parseHarness(JSON.parse(readFileSync('public/examples/research-team.json', 'utf8')));
  if (!parsed.ok) throw new Error('example invalid');
  await loadEncodingsFor(parsed.spec);
  const k = Kernel.create(parsed.spec, { runId: 'step', seed: 1 });
  await k.runUntil();
  events = [...k.events];
});

describe('stepping: where each step stops', () => {
  it('step event: the next event', () => {
    expect(stop({ kind: 'event', at: 10 })).toBe(11);
  });

  it('step over: the end of the focus agent’s next turn, other agents and its calls passing by', () => {
    const send = turnEnd('planner', -1, 'send');
    // The planner's next turn ends after the researcher woke, and its own message went out, unstopped.
    expect(stop({ kind: 'over', at: send.seq })).toBe(turnEnd('planner', send.seq).seq);
    const call = first((e) => e.type === 'tool.called' && e.tool === 'web_search');
    // Over a tool call: the call's decision and return run, the stop is the researcher's next turn.
    const next = turnEnd('researcher', call.seq);
    expect(stop({ kind: 'over', at: call.seq })).toBe(next.seq);
    expect(events.slice(call.seq, next.seq).some((e) => e.type === 'tool.returned' && e.callId === (call as { callId: string }).callId)).toBe(true);
    // A picked agent is followed wherever the cursor is.
    expect(stop({ kind: 'over', at: send.seq, agent: 'writer' })).toBe(turnEnd('writer', send.seq).seq);
  });

  it('step into: a message’s handling by its receiver, and a tool call at its opening', () => {
    const send = turnEnd('planner', -1, 'send');
    const woke = first((e) => e.type === 'agent.woke' && e.from === 'planner', send.seq);
    expect(woke.agent).toBe('researcher');
    expect(stop({ kind: 'into', at: send.seq })).toBe(woke.seq);
    // From inside a turn: its end passes, its action's call is where it stops.
    const call = first((e) => e.type === 'tool.called' && e.tool === 'web_search');
    const started = [...events].reverse().find((e) => e.seq < call.seq && e.type === 'infer.started' && e.agent === 'researcher')!;
    expect(stop({ kind: 'into', at: started.seq })).toBe(call.seq);
    // Inside a call: its next event (the decision).
    expect(events[stop({ kind: 'into', at: call.seq })!]).toMatchObject({ type: 'tool.allowed', callId: (call as { callId: string }).callId });
    // An action that opens nothing (recv): into is over.
    const recv = turnEnd('researcher', -1, 'recv');
    expect(stop({ kind: 'into', at: recv.seq })).toBe(stop({ kind: 'over', at: recv.seq }));
  });

  it('step out: from a message’s handling back to the sender acting again; from a tool call to its agent’s next turn', () => {
    const woke = first((e) => e.type === 'agent.woke' && e.from === 'planner');
    expect(callerAt(events, woke.seq, 'researcher')).toBe('planner');
    expect(stop({ kind: 'out', at: woke.seq })).toBe(turnEnd('planner', woke.seq).seq);
    const call = first((e) => e.type === 'tool.called' && e.tool === 'web_search');
    expect(stop({ kind: 'out', at: call.seq })).toBe(turnEnd('researcher', call.seq).seq);
    // After the receiver blocks again it handles nothing: out waits for it.
    const blocked = first((e) => e.type === 'agent.blocked' && e.agent === 'writer', woke.seq);
    expect(callerAt(events, blocked.seq, 'writer')).toBeNull();
    expect(stop({ kind: 'out', at: blocked.seq, agent: 'planner' })).toBe(turnEnd('planner', blocked.seq).seq);
  });

  it('run to cursor: the next event at the same place (type, agent, tool)', () => {
    const enq = first((e) => e.type === 'sched.enqueued' && e.agent === 'researcher');
    const again = first((e) => e.type === 'sched.enqueued' && e.agent === 'researcher', enq.seq);
    expect(stop({ kind: 'cursor', at: enq.seq, place: enq.seq })).toBe(again.seq);
    const call = first((e) => e.type === 'tool.called' && e.tool === 'web_search');
    // From the start, to the place of the web_search call.
    expect(stop({ kind: 'cursor', at: 0, place: call.seq })).toBe(call.seq);
  });

  it('an agent that acts no more: a step following it stops where it finishes, and from there follows any agent', () => {
    const finished = first((e) => e.type === 'agent.finished' && e.agent === 'planner');
    const lastTurn = [...events].reverse().find((e) => e.seq < finished.seq && e.type === 'infer.completed' && e.agent === 'planner')!;
    const before = [...events].reverse().find((e) => e.seq < lastTurn.seq && e.agent === 'planner')!;
    expect(stop({ kind: 'over', at: lastTurn.seq })).toBe(finished.seq);
    expect(stop({ kind: 'over', at: before.seq })).toBe(lastTurn.seq);
    // From the finish: the next turn of any agent.
    expect(stop({ kind: 'over', at: finished.seq })).toBe(first((e) => e.type === 'infer.completed', finished.seq).seq);
  });

  it('finds no stop across a hole or past the head, and the worker can go on with the same stepper', () => {
    const holes: (KernelEvent | undefined)[] = [...events];
    holes[12] = undefined;
    expect(findStop(holes, { kind: 'over', at: 10, agent: 'planner' }, events.length - 1)).toBeNull();
    const last = events.length - 1;
    expect(stop({ kind: 'over', at: last })).toBeNull();
    const s = stepper(events, { kind: 'over', at: 0, agent: 'writer' });
    expect(s.agent).toBe('writer');
    expect(events.findIndex((e) => e.seq > 0 && s.stopsAt(e))).toBe(turnEnd('writer').seq);
    expect(focusAt(events, 0)).toBeNull();
  });
});

describe('stepping a stored trace read in pages (a windowed run)', () => {
  it('stops where the whole-trace step does, from every event, for every kind and picked agent, whatever the page size', async () => {
    const head = events.length - 1;
    let reads = 0;
    const pager = async (from: number, to: number) => {
      reads++;
      return events.slice(from, to + 1);
    };
    const kinds = ['event', 'over', 'into', 'out'] as const;
    for (let at = 0; at < head; at++) {
      for (const kind of kinds) {
        for (const agent of [undefined, 'researcher']) {
          const req: StepRequest = { kind, at, ...(agent ? { agent } : {}) };
          const whole = findStop(events, req, head);
          expect(await findStopPaged(pager, req, head, 7), `${kind} from ${at}${agent ? ` (${agent})` : ''}`).toBe(whole);
        }
      }
      const place = Math.max(0, at - 20);
      expect(await findStopPaged(pager, { kind: 'cursor', at, place }, head, 5)).toBe(findStop(events, { kind: 'cursor', at, place }, head));
    }
    expect(reads).toBeGreaterThan(0);
  });

  it('reads only the look-back and the pages up to the stop, not the rest of the run', async () => {
    const read: [number, number][] = [];
    const pager = async (from: number, to: number) => {
      read.push([from, to]);
      return events.slice(from, to + 1);
    };
    const at = 10;
    const s = await findStopPaged(pager, { kind: 'event', at }, events.length - 1, 4);
    expect(s).toBe(11);
    expect(read).toEqual([[0, 10], [11, 14]]);
    expect(await findStopPaged(pager, { kind: 'over', at: events.length - 1 }, events.length - 1)).toBeNull();
  });
});
