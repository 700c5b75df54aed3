import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { joinLabels, labelOf, residualTaint, taintModule, type TaintPolicy } from './taint';
import type { HookPoint, OpRequest, SideEffect } from './types';

// Property tests run thousands of cases: on a loaded machine the default 5 s is too short.
vi.setConfig({ testTimeout: 60_000 });

const req = (over: Partial<OpRequest> = {}): OpRequest => ({
  hook: 'tool.call', agent: 'mailer', tool: 'send_mail', target: 'send_mail', access: 'use', arg: 'eve@evil.test',
  args: {}, sideEffect: 'privileged', taint: [], declared: true, tier: 'shared', ...over,
});

describe('labels', () => {
  it('names one call, document, message or page', () => {
    expect(labelOf('tool', 'web.fetch', 'c3')).toBe('tool:web.fetch#c3');
    expect(labelOf('doc', 'kb', 'd7')).toBe('doc:kb#d7');
    expect(labelOf('msg', 'scout', 'm2')).toBe('msg:scout#m2');
    expect(labelOf('page', 'store:kb#4')).toBe('page:store:kb#4');
  });

  it('joins as a sorted union without duplicates', () => {
    expect(joinLabels(['tool:b#1', 'doc:a#2'], [], ['doc:a#2', 'msg:c#3'])).toEqual(['doc:a#2', 'msg:c#3', 'tool:b#1']);
    expect(joinLabels()).toEqual([]);
  });

  it('keeps only what no human declassified', () => {
    expect(residualTaint(['doc:a#2', 'tool:b#1'], new Set(['tool:b#1']))).toEqual(['doc:a#2']);
  });
});

describe('taintModule', () => {
  const tainted = req({ taint: ['tool:web.fetch#c3'] });

  it('is a frozen module on tool.call and msg.send', () => {
    const m = taintModule('deny', new Set());
    expect(m.name).toBe('taint');
    expect(m.hooks).toEqual(['tool.call', 'msg.send']);
    expect(Object.isFrozen(m)).toBe(true);
  });

  it('denies a tainted value at a privileged sink, naming the labels and the sink', () => {
    expect(taintModule('deny', new Set()).check(tainted)).toEqual({
      effect: 'deny', module: 'taint', rule: 'taint', scope: 'kernel', code: 'tainted-sink',
      reason: 'send_mail is a privileged sink and its arguments derive from tool:web.fetch#c3 (untrusted)',
    });
  });

  it('asks a human to declassify under policy ask', () => {
    const a = taintModule('ask', new Set()).check(tainted);
    expect(a).toMatchObject({ effect: 'ask', ask: 'declassify', rule: 'taint', scope: 'kernel', code: 'tainted-sink' });
    expect(a?.reason).toContain('tool:web.fetch#c3');
  });

  it('names the recipient when the sink is a message send', () => {
    const a = taintModule('deny', new Set()).check(req({ hook: 'msg.send', tool: 'send', target: 'bank', taint: ['msg:scout#m1'] }));
    expect(a?.reason).toBe('sending to bank is a privileged sink and its text derives from msg:scout#m1 (untrusted)');
  });

  it('lets a value through once every label is declassified, and names only what is left', () => {
    const declassified = new Set<string>();
    const m = taintModule('deny', declassified);
    const both = req({ taint: ['tool:web.fetch#c3', 'doc:kb#d1'] });
    declassified.add('tool:web.fetch#c3');
    expect(m.check(both)?.reason).toBe('send_mail is a privileged sink and its arguments derive from doc:kb#d1 (untrusted)');
    declassified.add('doc:kb#d1');
    expect(m.check(both)).toBeNull();
  });

  it('has no objection to untainted values, other side effects, other hooks, or policy off', () => {
    const m = taintModule('deny', new Set());
    expect(m.check(req())).toBeNull();
    for (const sideEffect of ['none', 'read', 'write'] as const) expect(m.check({ ...tainted, sideEffect })).toBeNull();
    expect(m.check({ ...tainted, sink: null })).toBeNull();
    expect(m.check({ ...tainted, hook: 'memory.write' })).toBeNull();
    expect(taintModule('off', new Set()).check(tainted)).toBeNull();
  });
});

/**
 * A tiny interpreter: values are bound from sources, derived from two others, declassified by a
 * human, and passed to sinks. Provenance is tracked independently of the module (as sets of
 * source labels) and the module is the only thing that stops a sink.
 */
type Instr =
  | { op: 'bind'; trusted: boolean; kind: 'tool' | 'doc' | 'msg' | 'page' }
  | { op: 'derive'; x: number; y: number }
  | { op: 'call'; v: number; effect: SideEffect; hook: HookPoint }
  | { op: 'declassify'; v: number };

const instr: fc.Arbitrary<Instr> = fc.oneof(
  fc.record({ op: fc.constant('bind' as const), trusted: fc.boolean(), kind: fc.constantFrom('tool' as const, 'doc' as const, 'msg' as const, 'page' as const) }),
  fc.record({ op: fc.constant('derive' as const), x: fc.nat(), y: fc.nat() }),
  fc.record({
    op: fc.constant('call' as const), v: fc.nat(),
    effect: fc.constantFrom<SideEffect>('none', 'read', 'write', 'external', 'privileged', 'privileged'),
    hook: fc.constantFrom<HookPoint>('tool.call', 'msg.send'),
  }),
  fc.record({ op: fc.constant('declassify' as const), v: fc.nat() }),
);

function label(kind: 'tool' | 'doc' | 'msg' | 'page', i: number): string {
  return kind === 'page' ? labelOf('page', `store:kb#${i}`) : labelOf(kind, `src${i % 3}`, `x${i}`);
}

describe('taint property: no tainted value reaches a privileged sink undeclassified', () => {
  it('holds for random programs', () => {
    fc.assert(
      fc.property(fc.constantFrom<TaintPolicy>('deny', 'ask', 'off'), fc.array(instr, { maxLength: 40 }), (policy, program) => {
        const declassified = new Set<string>();
        const m = taintModule(policy, declassified);
        const labels: string[][] = [];
        const sources: Set<string>[] = [];
        const at = (n: number) => n % labels.length;
        program.forEach((ins, i) => {
          if (ins.op === 'bind') {
            const l = ins.trusted ? [] : [label(ins.kind, i)];
            labels.push(l);
            sources.push(new Set(l));
          } else if (labels.length === 0) {
            return;
          } else if (ins.op === 'derive') {
            const [x, y] = [at(ins.x), at(ins.y)];
            labels.push(joinLabels(labels[x]!, labels[y]!));
            sources.push(new Set([...sources[x]!, ...sources[y]!]));
          } else if (ins.op === 'declassify') {
            for (const l of labels[at(ins.v)]!) declassified.add(l);
          } else {
            const v = at(ins.v);
            expect(labels[v]).toEqual([...sources[v]!].sort());
            const answer = m.check(req({ hook: ins.hook, sideEffect: ins.effect, taint: labels[v]! }));
            const undeclassified = [...sources[v]!].filter((s) => !declassified.has(s));
            const mustStop = policy !== 'off' && (ins.effect === 'privileged' || ins.effect === 'external') && undeclassified.length > 0;
            if (!mustStop) {
              expect(answer).toBeNull();
              return;
            }
            expect(answer).not.toBeNull();
            expect(answer!.effect).toBe(policy === 'ask' ? 'ask' : 'deny');
            if (policy === 'ask') expect(answer!.ask).toBe('declassify');
            for (const s of undeclassified) expect(answer!.reason).toContain(s);
          }
        });
      }),
      { numRuns: 10_000 },
    );
  });
});
