/**
 * Who may read whose /proc (kernel/proc). An agent's own is always readable: the kernel allows it
 * before the stack (trust/syscallDecision.ts), as Linux lets a process read /proc/self. Another
 * agent's state is a capability: this module, before the rules, denies `proc(<other>)` unless an
 * allow rule in force matches it; with one, the rules decide (a deny rule still wins).
 */
import { PROC_TOOL } from '../spec/schema';
import { matches, parseMatcher } from './matcher';
import type { ModuleAnswer, OpRequest, PolicyModule, PolicyRule } from './types';

/** Whose /proc a call of the built-in reads: `args.agent`, else the caller's own. */
export function procReadOf(agent: string, args: Readonly<Record<string, unknown>>): string {
  return typeof args.agent === 'string' ? args.agent : agent;
}

/** The proc-access module over the rules in force (the same list the rules module decides with). */
export function procAccessModule(rules: readonly PolicyRule[]): PolicyModule {
  const allows = rules.filter((r) => r.effect === 'allow');
  return Object.freeze({
    name: 'proc',
    hooks: Object.freeze(['tool.call'] as const),
    check(req: OpRequest): ModuleAnswer {
      if (req.tool !== PROC_TOOL || req.declared) return null;
      const of = procReadOf(req.agent, req.args);
      if (of === req.agent) return null;
      const allowed = allows.some((r) => {
        const m = parseMatcher(r.match);
        return m.ok && matches(m.matcher, PROC_TOOL, of);
      });
      if (allowed) return null;
      return {
        effect: 'deny', module: 'proc', rule: `proc:${req.agent}->${of}`, scope: 'agent', code: 'no-allow',
        reason: `${req.agent} may read its own /proc only: reading ${of}'s needs an allow rule proc(${of}) (or proc(*))`,
      };
    },
  });
}
