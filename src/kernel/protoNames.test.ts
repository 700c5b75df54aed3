import { describe, expect, it } from 'vitest';
import { harness, TestKernel } from './test/TestKernel';
import { cloneState } from './state/reduce';

/**
 * Names that Object.prototype already has (`constructor`, `toString`, `__proto__`, …) are
 * ordinary names wherever a document uses one: as an id, an artifact, a variable, a reference.
 */
const one = (behaviour: unknown[], extra: Record<string, unknown> = {}) =>
  harness({ agents: [{ id: 'constructor', name: 'C', model: 'm', behaviour }] as never, ...extra });

describe('prototype names', () => {
  it('an agent named constructor runs its script like any other', async () => {
    await new TestKernel(one([{ op: 'write', artifact: 'toString', text: 'hello' }, { op: 'finish', text: 'ok' }]))
      .runToStop().expectStop('completed').expectArtifact('toString', 'hello').expectAgent('constructor', 'done');
  });

  it('read artifact:toString of a missing artifact fails the read, not the kernel', async () => {
    await new TestKernel(one([{ op: 'read', ref: 'artifact:toString', as: 'x' }, { op: 'finish', text: 'ok' }]))
      .runToStop().expectEvent('mem.faulted', { ref: 'artifact:toString', outcome: 'failed', detail: 'artifact "toString" does not exist and no running agent can write it' });
  });

  it('read store:constructor#0 of a missing store names the store', async () => {
    await new TestKernel(one([{ op: 'read', ref: 'store:valueOf#0', as: 'x' }, { op: 'finish', text: 'ok' }]))
      .runToStop().expectEvent('mem.faulted', { ref: 'store:valueOf#0', outcome: 'failed', detail: 'no store "valueOf"' });
  });

  it('an unset variable named toString renders empty, not a method', async () => {
    await new TestKernel(one([{ op: 'write', artifact: 'out', text: '[{{var.toString}}|{{var.constructor}}]' }, { op: 'finish', text: 'ok' }]))
      .runToStop().expectArtifact('out', '[|]');
  });

  it('a goal on a missing artifact named constructor is unmet, not a crash', async () => {
    const spec = one([{ op: 'finish', text: 'ok' }], { goals: [{ id: 'toString', name: 'G', when: { kind: 'artifact', name: 'constructor' } }] });
    await new TestKernel(spec).runToStop().expectStop('goals-unmet');
  });

  it('__proto__ as an artifact and a variable name is data, and survives a state copy', async () => {
    const t = await new TestKernel(one([
      { op: 'write', artifact: '__proto__', text: 'polluted?' },
      { op: 'read', ref: 'artifact:__proto__', as: '__proto__' },
      { op: 'write', artifact: 'copy', text: '{{var.__proto__}}' },
      { op: 'finish', text: 'ok' },
    ])).runToStop().expectStop('completed').expectArtifact('copy', 'polluted?');
    const s = t.state;
    expect(Object.keys(s.artifacts).sort()).toEqual(['__proto__', 'copy']);
    expect(Object.getPrototypeOf(s.artifacts)).toBe(null);
    const copy = cloneState(s as never);
    expect(Object.keys(copy.artifacts).sort()).toEqual(['__proto__', 'copy']);
    expect(copy.procs['toString']).toBeUndefined();
    expect(({} as Record<string, unknown>).text).toBeUndefined();
  });
});
