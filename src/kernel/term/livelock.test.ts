import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TermSchema } from '../spec';
import { LIVELOCK_DEFAULTS, LivelockDetector, type LivelockFinding, type LivelockOptions, type TurnObservation } from './livelock';
import { similarity } from './similarity';

/** Canonical JSON: sorted keys, as the kernel serialises actions. */
function canon(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canon((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

const call = (tool: string, args: Record<string, unknown> = {}): string => canon({ kind: 'call', tool, args });
const send = (to: string, text: string): string => canon({ kind: 'send', to, text, facts: [] });
const recv = (from: string): string => canon({ kind: 'recv', from });
const write = (artifact: string, text: string): string => canon({ kind: 'write', artifact, text });

/** A scripted run: turns get consecutive seqs from 10 on (spaced, so evidence is not an index). */
class Script {
  readonly detector: LivelockDetector;
  readonly findings: { at: number; finding: LivelockFinding }[] = [];
  private seq = 10;

  constructor(opts: Partial<LivelockOptions> = {}) {
    this.detector = new LivelockDetector(opts);
  }

  turn(agent: string, action: string, observation = '', output = ''): this {
    const o: TurnObservation = { agent, seq: this.seq, action, observation, output };
    const f = this.detector.observe(o);
    if (f) this.findings.push({ at: this.seq, finding: f });
    this.seq += 3;
    return this;
  }

  get first(): LivelockFinding | undefined {
    return this.findings[0]?.finding;
  }

  /** Seq of the n-th turn (0-based). */
  static seqOf(n: number): number {
    return 10 + 3 * n;
  }
}

const s = Script.seqOf;

describe('livelock: repeated action and observation', () => {
  it('stops on the third identical (action, observation) pair, whatever the model says', () => {
    const t = new Script();
    t.turn('a', call('search', { q: 'x' }), 'no results', 'Let me search.');
    t.turn('a', call('search', { q: 'x' }), 'no results', 'Searching again.');
    expect(t.findings).toEqual([]);
    t.turn('a', call('search', { q: 'x' }), 'no results', 'One more try.');
    expect(t.first).toEqual({
      kind: 'repeat', agents: ['a'], evidence: [s(0), s(1), s(2)],
      detail: 'a took the same action and got the same observation 3 times in a row',
    });
  });

  it('counts per agent: another agent’s turns in between do not break or make the streak', () => {
    const t = new Script();
    for (let i = 0; i < 3; i++) t.turn('a', call('poll'), 'pending').turn('b', call('work', { step: i }), `done ${i}`);
    expect(t.first).toMatchObject({ kind: 'repeat', agents: ['a'], evidence: [s(0), s(2), s(4)] });
  });

  it('follows the repeat threshold', () => {
    const t = new Script({ repeat: 4 });
    for (let i = 0; i < 3; i++) t.turn('a', call('poll'), 'pending');
    expect(t.findings).toEqual([]);
    t.turn('a', call('poll'), 'pending');
    expect(t.first?.evidence).toHaveLength(4);
  });
});

describe('livelock: oscillation', () => {
  it('stops one agent flipping between two states over the window (A-B-A-B-A-B)', () => {
    const t = new Script();
    for (let i = 0; i < 3; i++) {
      t.turn('a', call('open', { path: 'x.md' }), 'text of x');
      t.turn('a', call('open', { path: 'y.md' }), 'text of y');
    }
    expect(t.findings.map((f) => f.at)).toEqual([s(5)]);
    expect(t.first).toEqual({
      kind: 'oscillation', agents: ['a'], evidence: [0, 1, 2, 3, 4, 5].map(s),
      detail: 'a alternates between two states (A-B-A-B) over its last 6 turns',
    });
  });

  it('stops after four turns with a window of 4', () => {
    const t = new Script({ window: 4 });
    t.turn('a', call('x'), '1').turn('a', call('y'), '2').turn('a', call('x'), '1');
    expect(t.findings).toEqual([]);
    t.turn('a', call('y'), '2');
    expect(t.first?.kind).toBe('oscillation');
  });

  it('stops an editor and a writer ping-ponging "make it formal" / "make it casual"', () => {
    const formal = 'Dear colleagues, we are pleased to announce the release.';
    const casual = 'Hey all, the release is out!';
    const t = new Script({ window: 8 });
    for (let i = 0; i < 2; i++) {
      t.turn('editor', send('writer', 'make it formal'), '', 'Too casual.');
      t.turn('writer', write('post', formal), '', formal);
      t.turn('editor', send('writer', 'make it casual'), '', 'Too stiff.');
      t.turn('writer', write('post', casual), '', casual);
    }
    // eight turns: the pair has shown A-B-A-B — both states came back (A-B-A alone is not enough:
    // B may be new every round, as in a slowly converging exchange)
    expect(t.findings[0]?.at).toBe(s(7));
    expect(t.first).toEqual({
      kind: 'oscillation', agents: ['editor', 'writer'], evidence: [0, 1, 2, 3, 4, 5, 6, 7].map(s),
      detail: 'editor and writer alternate between two states (blocks of 2 turns) over their last 8 turns',
    });
  });

  it('sees blocks of three turns (send, recv, write) when the window holds two periods', () => {
    const t = new Script({ window: 12 });
    for (let i = 0; i < 2; i++) {
      for (const style of ['formal', 'casual']) {
        t.turn('editor', send('writer', `make it ${style}`));
        t.turn('writer', recv('editor'), `make it ${style}`);
        t.turn('writer', write('post', `a ${style} post`));
      }
    }
    expect(t.first).toMatchObject({ kind: 'oscillation', agents: ['editor', 'writer'], evidence: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map(s) });
  });

  it('does not count a dialogue in which only one side oscillates as the pair’s', () => {
    const t = new Script();
    for (let i = 0; i < 3; i++) {
      t.turn('a', send('b', 'left'), '').turn('b', send('a', `reply ${i}`), '');
      t.turn('a', send('b', 'right'), '').turn('b', send('a', `answer ${i}`), '');
    }
    expect(t.first).toMatchObject({ kind: 'oscillation', agents: ['a'] });
  });
});

describe('livelock: near-identical outputs', () => {
  const base = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
  it('stops three near-identical messages in a row with nothing new coming back', () => {
    const drafts = [base, base.replace('word30', 'term30'), base.replace('word30', 'item30')];
    const t = new Script();
    for (const d of drafts) t.turn('a', send('user', d), '', d);
    expect(similarity(drafts[0]!, drafts[1]!)).toBeGreaterThan(0.9);
    expect(t.first).toMatchObject({ kind: 'similar', agents: ['a'], evidence: [s(0), s(1), s(2)] });
    expect(t.first?.detail).toMatch(/^a produced 3 near-identical outputs in a row \(word-bigram similarity ≥ 0\.9\d > 0\.9\)/);
  });

  it('does not stop them when each time something new comes back', () => {
    const t = new Script();
    for (let i = 0; i < 6; i++) t.turn('a', send('user', base.replace('word30', `v${i}`)), `ack ${i}`, base);
    expect(t.findings).toEqual([]);
  });

  it('does not stop them when the actions differ (same words, different targets)', () => {
    const t = new Script();
    for (const f of ['a.txt', 'b.txt', 'c.txt', 'd.txt']) t.turn('a', call('delete', { file: f }), 'ok', 'Deleting the next file now.');
    expect(t.findings).toEqual([]);
  });

  it('is off at similarity 1, and needs similarRounds outputs', () => {
    const d = (i: number) => base.replace('word30', `v${i}`);
    const off = new Script({ similarity: 1 });
    for (let i = 0; i < 5; i++) off.turn('a', send('user', d(i)), '', d(i));
    expect(off.findings).toEqual([]);
    const four = new Script({ similarRounds: 4 });
    for (let i = 0; i < 3; i++) four.turn('a', send('user', d(i)), '', d(i));
    expect(four.findings).toEqual([]);
    four.turn('a', send('user', d(3)), '', d(3));
    expect(four.first?.evidence).toHaveLength(4);
  });
});

describe('livelock: runs that progress are never stopped', () => {
  it('a draft converging slowly over 20 turns: similarity rises but stays under the threshold', () => {
    const n = 60;
    let draft = Array.from({ length: n }, (_, i) => `w${i}`);
    const t = new Script();
    const sims: number[] = [];
    let prev = '';
    for (let k = 0; k < 20; k++) {
      const changes = Math.max(3, 20 - k); // fewer edits each round, never fewer than 3
      const step = Math.floor(n / changes);
      draft = draft.map((w, i) => (i % step === k % step && i / step < changes ? `r${k}x${i}` : w));
      const text = draft.join(' ');
      if (k > 0) sims.push(similarity(prev, text));
      t.turn('writer', write('essay', text), '', text);
      prev = text;
    }
    expect(Math.max(...sims)).toBeLessThan(0.9);
    expect(sims[sims.length - 1]!).toBeGreaterThan(sims[0]! + 0.3);
    expect(t.findings).toEqual([]);
  });

  it('an agent polling a tool whose result changes', () => {
    const t = new Script();
    for (let p = 0; p <= 100; p += 5) t.turn('a', call('status', { job: 7 }), `running: ${p}%`, 'Still running, checking again.');
    expect(t.findings).toEqual([]);
  });

  it('a long conversation that keeps moving', () => {
    const topics = ['budget', 'hiring', 'roadmap', 'security', 'pricing', 'support', 'marketing', 'legal', 'infra', 'docs'];
    const t = new Script();
    for (let i = 0; i < 40; i++) {
      const topic = topics[i % topics.length]!;
      const who = i % 2 === 0 ? 'pm' : 'eng';
      const text = `On ${topic} (round ${Math.floor(i / 10)}): point ${i}, I propose we ${i % 3 === 0 ? 'cut' : 'extend'} item ${i * 7}.`;
      t.turn(who, send(who === 'pm' ? 'eng' : 'pm', text), '', text);
      t.turn(who, recv(who === 'pm' ? 'eng' : 'pm'), `reply ${i}`, 'Waiting.');
    }
    expect(t.findings).toEqual([]);
  });

  it('never on random sequences in which every turn brings something new (property)', () => {
    const vocab = ['check', 'the', 'file', 'again', 'now', 'please', 'wait', 'ok'];
    const turnArb = fc.record({
      agent: fc.constantFrom('a', 'b', 'c'),
      peer: fc.constantFrom('a', 'b', 'c', null),
      output: fc.array(fc.constantFrom(...vocab), { maxLength: 12 }),
      novelty: fc.constantFrom('observation', 'action-and-output'),
    });
    fc.assert(
      fc.property(fc.array(turnArb, { maxLength: 60 }), fc.integer({ min: 4, max: 10 }), (turns, window) => {
        const d = new LivelockDetector({ window });
        return turns.every((x, i) => {
          const fresh = `n${i}`;
          const base = x.peer === null ? call('tool') : send(x.peer, x.output.join(' '));
          const o: TurnObservation =
            x.novelty === 'observation'
              ? { agent: x.agent, seq: i, action: base, observation: `result ${fresh}`, output: x.output.join(' ') }
              : { agent: x.agent, seq: i, action: call('tool', { arg: fresh }), observation: 'same', output: `${fresh} ${fresh}x ${fresh}y` };
          return d.observe(o) === null;
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('livelock: findings agree with a brute-force reading of the history (property)', () => {
  it('repeat exactly when the last `repeat` turns of the agent are equal; oscillations are periodic', () => {
    const turnArb = fc.record({ agent: fc.constantFrom('a', 'b'), act: fc.constantFrom('x', 'y', 'z'), obs: fc.constantFrom('1', '2') });
    fc.assert(
      fc.property(fc.array(turnArb, { maxLength: 80 }), fc.integer({ min: 2, max: 4 }), fc.integer({ min: 4, max: 9 }), (turns, repeat, window) => {
        const d = new LivelockDetector({ repeat, window, similarity: 1 });
        const history = new Map<string, { key: string; seq: number }[]>();
        turns.forEach((x, seq) => {
          const key = `${call(x.act)}|${x.obs}`;
          const h = history.get(x.agent) ?? [];
          h.push({ key, seq });
          history.set(x.agent, h);
          const f = d.observe({ agent: x.agent, seq, action: call(x.act), observation: x.obs, output: '' });
          const last = h.slice(-repeat);
          const isRepeat = last.length === repeat && last.every((y) => y.key === key);
          expect(f?.kind === 'repeat').toBe(isRepeat);
          if (f?.kind === 'repeat') expect(f.evidence).toEqual(last.map((y) => y.seq));
          if (f?.kind === 'oscillation' && f.agents.length === 1) {
            const w = h.slice(-window).map((y) => y.key);
            expect(w).toHaveLength(window);
            const periods = [1, 2, 3].filter((l) => 3 * l <= window && w.every((k, i) => i < 2 * l || k === w[i - 2 * l]) && w.some((k, i) => i >= l && k !== w[i - l]));
            expect(periods.length).toBeGreaterThan(0);
            expect(f.evidence).toEqual(h.slice(-window).map((y) => y.seq));
          }
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('livelock options', () => {
  it('reject thresholds that cannot work', () => {
    expect(() => new LivelockDetector({ window: 3 })).toThrow(RangeError);
    expect(() => new LivelockDetector({ repeat: 1 })).toThrow(RangeError);
    expect(() => new LivelockDetector({ similarity: 1.5 })).toThrow(RangeError);
    expect(() => new LivelockDetector({ similarRounds: 1 })).toThrow(RangeError);
  });

  it('come from the term section of the document, defaults filled in', () => {
    const term = TermSchema.parse({});
    expect(term.livelock).toEqual({ enabled: true, ...LIVELOCK_DEFAULTS });
    expect(TermSchema.parse({ livelock: { window: 8 } }).livelock).toMatchObject({ window: 8, repeat: 3 });
    expect(TermSchema.safeParse({ livelock: { window: 3 } }).success).toBe(false);
    expect(TermSchema.safeParse({ livelock: { similarity: 1.2 } }).success).toBe(false);
    expect(() => new LivelockDetector(term.livelock)).not.toThrow();
  });
});
