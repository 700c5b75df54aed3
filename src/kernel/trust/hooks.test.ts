import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { rulesModule } from './rules';
import { checkModules, runHooks } from './hooks';
import { HOOK_POINTS, MODES, type Effect, type HookPoint, type ModuleAnswer, type OpRequest, type PolicyModule } from './types';

// Property tests run thousands of cases: on a loaded machine the default 5 s is too short.
vi.setConfig({ testTimeout: 60_000 });

const request = (hook: HookPoint = 'tool.call'): OpRequest => ({
  hook, agent: 'a1', tool: 'fs.write', target: 'fs.write', access: 'use', arg: '/workspace/a', args: { path: '/workspace/a' },
  sideEffect: 'write', taint: [], declared: true, tier: 'shared',
});
const answer = (module: string, effect: Effect): ModuleAnswer => ({ effect, module, rule: `${module}:${effect}`, scope: 'kernel', reason: `${module} says ${effect}` });

/** A module that always gives the same answer and counts how often it was asked. */
interface Counting extends PolicyModule {
  calls: number;
}
function counting(name: string, effect: Effect | null, hooks: readonly HookPoint[] = ['tool.call']): Counting {
  const module: Counting = {
    name, hooks, calls: 0,
    check() {
      module.calls++;
      return effect === null ? null : answer(name, effect);
    },
  };
  return module;
}

describe('runHooks', () => {
  it('stops at the first deny: later modules are not called, so nothing undoes it', () => {
    const stack = [counting('capability', 'allow'), counting('taint', 'deny'), counting('rules', 'allow')];
    const { decision, trail } = runHooks(request(), stack, 'auto');
    expect(decision).toEqual({ ...answer('taint', 'deny'), mode: 'auto' });
    expect(trail).toEqual([{ module: 'capability', answer: answer('capability', 'allow') }, { module: 'taint', answer: answer('taint', 'deny') }]);
    expect(stack.map((m) => m.calls)).toEqual([1, 1, 0]);
  });

  it('stops at the first ask too', () => {
    const stack = [counting('taint', 'ask'), counting('tier', 'deny'), counting('rules', 'allow')];
    const { decision, trail } = runHooks(request(), stack, 'ask');
    expect(decision).toMatchObject({ effect: 'ask', module: 'taint', mode: 'ask' });
    expect(trail.map((t) => t.module)).toEqual(['taint']);
    expect(stack.map((m) => m.calls)).toEqual([1, 0, 0]);
  });

  it('allows by the kernel default when every module answers null, and skips modules not on the hook', () => {
    const offHook = counting('jobs', 'deny', ['job.create']);
    const stack = [counting('capability', null), offHook, counting('tier', null)];
    const { decision, trail } = runHooks(request(), stack, 'plan');
    expect(decision).toEqual({ effect: 'allow', module: 'kernel', rule: 'default', scope: 'kernel', mode: 'plan', reason: 'No module objected to fs.write(/workspace/a) at tool.call.' });
    expect(trail).toEqual([{ module: 'capability', answer: null }, { module: 'tier', answer: null }]);
    expect(offHook.calls).toBe(0);
    expect(runHooks(request(), [], 'auto').decision).toMatchObject({ effect: 'allow', module: 'kernel', rule: 'default' });
  });

  it('names the last allow answer as the authority of an allow', () => {
    const stack = [counting('capability', 'allow'), counting('taint', null), counting('rules', 'allow'), counting('audit', null)];
    const { decision, trail } = runHooks(request(), stack, 'accept-edits');
    expect(decision).toEqual({ ...answer('rules', 'allow'), mode: 'accept-edits' });
    expect(trail.map((t) => t.module)).toEqual(['capability', 'taint', 'rules', 'audit']);
  });

  it('lets the rules module, last in the stack, name the rule or mode behind an allow', () => {
    const rules = rulesModule([{ id: 'edits', effect: 'allow', match: 'fs.write(/workspace/**)', scope: 'repo', level: 'project' }], 'ask');
    const stack = [counting('capability', 'allow'), rules];
    expect(runHooks(request(), stack, 'ask').decision).toMatchObject({ effect: 'allow', module: 'rules', rule: 'edits', scope: 'repo', mode: 'ask' });
    expect(runHooks({ ...request(), arg: '/etc/passwd' }, stack, 'ask').decision).toMatchObject({ effect: 'ask', module: 'mode', rule: 'mode:ask' });
    expect(runHooks(request('job.create'), stack, 'ask').decision).toMatchObject({ module: 'kernel', rule: 'default' });
  });

  it('property: the decision is the first deny or ask in stack order; the trail and the calls stop there', () => {
    const arbModule = fc.record({
      effect: fc.constantFrom<Effect | null>(null, 'allow', 'allow', 'ask', 'deny'),
      hooks: fc.subarray([...HOOK_POINTS], { minLength: 1 }),
    });
    fc.assert(
      fc.property(fc.array(arbModule, { maxLength: 7 }), fc.constantFrom(...HOOK_POINTS), fc.constantFrom(...MODES), (specs, hook, mode) => {
        const stack = specs.map((s, i) => ({ ...s, module: counting(`m${i}`, s.effect, s.hooks) }));
        const { decision, trail } = runHooks(request(hook), stack.map((s) => s.module), mode);
        const hooked = stack.filter((s) => s.hooks.includes(hook));
        const stop = hooked.findIndex((s) => s.effect === 'ask' || s.effect === 'deny');
        const called = stop < 0 ? hooked : hooked.slice(0, stop + 1);
        expect(trail.map((t) => t.module)).toEqual(called.map((s) => s.module.name));
        expect(stack.map((s) => s.module.calls)).toEqual(stack.map((s) => (called.includes(s) ? 1 : 0)));
        const decider = stop < 0 ? called.filter((s) => s.effect === 'allow').at(-1) : called[stop];
        if (decider) expect(decision).toEqual({ ...answer(decider.module.name, decider.effect!), mode });
        else expect(decision).toMatchObject({ effect: 'allow', module: 'kernel', rule: 'default', scope: 'kernel', mode });
      }),
      { numRuns: 10_000 },
    );
  });
});

describe('checkModules', () => {
  it('accepts a stack of distinct modules on known hook points', () => {
    expect(checkModules([counting('capability', null, HOOK_POINTS), counting('rules', null)])).toEqual([]);
  });

  it('reports duplicate names, unnamed modules and unknown hook points', () => {
    const stack = [
      counting('rules', null),
      counting('', null),
      counting('taint', null, ['tool.call', 'tool.called' as HookPoint]),
      counting('rules', null),
    ];
    expect(checkModules(stack)).toEqual([
      'module 1 has no name',
      'module "taint" hooks unknown point "tool.called"',
      'module "rules" is registered twice (positions 0 and 3)',
    ]);
  });
});
