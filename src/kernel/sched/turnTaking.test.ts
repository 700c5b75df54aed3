import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Kernel } from '../kernel';
import type { Cpu, InferRecord, JudgeRequest } from '../cpu/cpu';
import { RecordedCpu } from '../cpu/recorded';
import { draw } from '../rng';
import { parseHarness, type HarnessSpec } from '../spec';
import { cursorView } from '../state/cursorView';
import { harness } from '../test/TestKernel';
import type { EventOf, KernelEvent } from '../trace/events';
import { choiceFromText, randomChoice, roundRobin, speakingOrder, waitsOnTurn } from './turnTaking';

const groupchat = ((): HarnessSpec => {
  const r = parseHarness(JSON.parse(readFileSync(new URL('../../../public/examples/groupchat.json', import.meta.url), 'utf8')));
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('; '));
  return r.spec;
})();

const chosen = (events: readonly KernelEvent[], group: string): EventOf<'turn.chosen'>[] =>
  events.filter((e): e is EventOf<'turn.chosen'> => e.type === 'turn.chosen' && e.group === group);

async function run(spec: HarnessSpec, seed: number, cpus?: Record<string, Cpu>): Promise<Kernel> {
  const k = Kernel.create(spec, { runId: `r${seed}`, seed, ...(cpus ? { cpus } : {}) });
  await k.runUntil();
  return k;
}

describe('turn-taking policies (pure)', () => {
  it('round robin takes the first waiting member after the last speaker, going round', () => {
    const order = ['a', 'b', 'c'];
    expect(roundRobin(order, order, null).chosen).toBe('a');
    expect(roundRobin(order, order, 'a').chosen).toBe('b');
    expect(roundRobin(order, order, 'c').chosen).toBe('a');
    expect(roundRobin(order, ['a', 'c'], 'a')).toMatchObject({ chosen: 'c', numbers: { skipped: 1 } });
    expect(speakingOrder(['a', 'b', 'c'], ['c', 'a'])).toEqual(['c', 'a', 'b']);
  });

  it('random maps the draw onto the candidates', () => {
    expect(randomChoice(['a', 'b', 'c'], 0.1).chosen).toBe('a');
    expect(randomChoice(['a', 'b', 'c'], 0.5).chosen).toBe('b');
    expect(randomChoice(['a', 'b', 'c'], 0.99).chosen).toBe('c');
  });

  it('the model policy takes the candidate named first in the text, else round robin', () => {
    const names = new Map([['gus', 'Gus'], ['hal', 'Hal'], ['ivy', 'Ivy']]);
    const order = ['gus', 'hal', 'ivy'];
    expect(choiceFromText('Ask Ivy, not Hal.', 'x', order, order, 'gus', names)).toMatchObject({ chosen: 'ivy', numbers: { named: 1 } });
    expect(choiceFromText('hal: go on', 'x', order, order, 'gus', names).chosen).toBe('hal');
    // "Halt" is not Hal; nobody named: round robin after gus.
    expect(choiceFromText('Halt everything.', 'x', order, order, 'gus', names)).toMatchObject({ chosen: 'hal', numbers: { named: 0 } });
  });
});

describe('a conversation group in a run (public/examples/groupchat.json)', () => {
  it('round robin: the panel speaks ann, ben, cy, ann, … skipping only members who are gone', async () => {
    const k = await run(groupchat, 1);
    const panel = chosen(k.events, 'panel');
    expect(panel.map((e) => e.agent)).toEqual(['ann', 'ben', 'cy', 'ann', 'ben', 'cy', 'ann', 'ben', 'cy']);
    expect(panel.map((e) => e.turn)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(k.events.at(-1)).toMatchObject({ type: 'run.stopped', reason: 'completed' });
  });

  it('only the speaker takes a model turn: every pick of a member falls inside its own turn', async () => {
    const k = await run(groupchat, 1);
    const members = new Set(['ann', 'ben', 'cy']);
    let speaker: string | null = null;
    let picks = 0;
    for (const e of k.events) {
      if (e.type === 'turn.chosen' && e.group === 'panel') speaker = e.agent;
      if (e.type === 'sched.picked' && members.has(e.agent)) {
        expect(e.agent).toBe(speaker);
        picks++;
      }
    }
    expect(picks).toBe(9);
  });

  it('the others wait on their turn: the process table and the canvas read it from the state', async () => {
    const k = await run(groupchat, 1);
    const first = chosen(k.events, 'panel')[0]!;
    const s = k.stateAt(first.seq);
    expect(waitsOnTurn(s, 'ben')).toEqual({ group: 'panel', speaker: 'ann' });
    expect(waitsOnTurn(s, 'ann')).toBeNull();
    const view = cursorView(s, first);
    expect(view.agents.ben).toMatchObject({ wait: 'turn', waitOn: 'its turn in panel (ann speaks)' });
  });

  it('random is seeded from the run: the same seed chooses the same, another seed another order', async () => {
    const a = chosen((await run(groupchat, 1)).events, 'crowd');
    const b = chosen((await run(groupchat, 1)).events, 'crowd');
    const c = chosen((await run(groupchat, 2)).events, 'crowd');
    expect(a.map((e) => e.agent)).toEqual(b.map((e) => e.agent));
    expect(a.map((e) => e.agent)).not.toEqual(c.map((e) => e.agent));
    for (const e of a) {
      expect(e.numbers.draw).toBe(draw(1, 'turn:crowd', e.turn));
      expect(e.agent).toBe(e.candidates[Math.floor(e.numbers.draw! * e.candidates.length)]);
    }
  });

  it('model on the sim: the last speaker names the next', async () => {
    const jury = chosen((await run(groupchat, 1)).events, 'jury');
    expect(jury.slice(0, 4).map((e) => [e.agent, e.why])).toEqual([
      ['gus', 'model: nobody has spoken yet; round robin: gus is first in the order'],
      ['ivy', "model: gus's last words named ivy"],
      ['hal', "model: ivy's last words named hal"],
      ['gus', "model: hal's last words named gus"],
    ]);
  });

  it('maxTurns ends the chat: members still waiting are finished', async () => {
    const spec = structuredClone(groupchat);
    spec.groups[0]!.turnTaking!.maxTurns = 4;
    const k = await run(spec, 1);
    expect(chosen(k.events, 'panel')).toHaveLength(4);
    const ended = k.events.filter((e) => e.type === 'agent.finished' && e.text.includes('the group chat panel is over'));
    expect(ended.map((e) => e.agent).sort()).toEqual(['ann', 'ben', 'cy']);
  });
});

const record: InferRecord = { provider: 'openai-compatible', reported: null, estimate: { tokensIn: 12, tokensOut: 1 }, response: { model: 'chair-1' } };

/** A model that only chooses speakers: names the candidate listed last in the rubric, counting calls. */
function choosingCpu(): Cpu & { asked: JudgeRequest[] } {
  const asked: JudgeRequest[] = [];
  return {
    provider: 'openai-compatible',
    asked,
    infer: () => {
      throw new Error('the chair model runs no agent');
    },
    judge: async (req) => {
      asked.push(req);
      const names = [...req.rubric.matchAll(/(\w+) \(/g)].map((m) => m[1]!);
      return { verdict: 'unclear', reason: '', answer: `${names.at(-1)!}.`, record };
    },
  };
}

function modelChat(): HarnessSpec {
  const member = (id: string) => ({ id, name: id.toUpperCase(), model: 'm', sched: { group: 'room' }, behaviour: [{ op: 'think' as const, text: `${id} one` }, { op: 'think' as const, text: `${id} two` }, { op: 'finish' as const, text: 'ok' }] });
  return harness({
    models: [
      { id: 'm', name: 'M', provider: 'sim', tokensPerSecond: 100 },
      { id: 'chair', name: 'Chair', provider: 'openai-compatible', model: 'chair-1' },
    ],
    agents: [member('a'), member('b'), member('c')],
    groups: [{ id: 'room', name: 'Room', turnTaking: { policy: 'model', model: 'chair' } }],
  });
}

describe('model-chosen speakers on a real CPU', () => {
  it('records each answer on turn.chosen, and a replay from the recording asks nobody', async () => {
    const spec = modelChat();
    const live = choosingCpu();
    const k = await run(spec, 1, { 'openai-compatible': live });
    const room = chosen(k.events, 'room');
    expect(live.asked.length).toBe(room.length - 1);
    expect(room[1]).toMatchObject({ policy: 'model', answer: expect.any(String), record, why: expect.stringMatching(/^model: model chair named /) });
    // The same run with only the recording: every choice comes from it, no call is made.
    const replay = RecordedCpu.fromTrace('openai-compatible', k.events);
    const again = await run(spec, 1, { 'openai-compatible': replay });
    expect(replay.liveCalls).toBe(0);
    expect(again.traceHash()).toBe(k.traceHash());
  });
});
