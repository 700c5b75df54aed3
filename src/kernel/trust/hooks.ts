/**
 * LSM-style stacking of policy modules at a hook point (REFERENCES §3.5, security/security.c
 * `call_int_hook`): modules run in order, the first that does not allow decides, nothing later
 * is called, so nothing later can undo a deny; all "no objection" is an allow.
 */
import { HOOK_POINTS, type Decision, type Mode, type ModuleAnswer, type OpRequest, type PolicyModule } from './types';

/** One module the stack called and what it answered (capability modules name their grant here). */
export interface HookTrail {
  module: string;
  answer: ModuleAnswer;
}

/**
 * Runs the modules hooked on `req.hook`, in the given order, until one denies or asks: that
 * answer is the decision. Otherwise the decision is an allow whose authority is the last allow
 * answer (the rules module, last in the kernel's stack, names its rule or the mode), or
 * `kernel`/`default` when every module answered null. The trail lists every module called.
 */
export function runHooks(req: OpRequest, modules: readonly PolicyModule[], mode: Mode): { decision: Decision; trail: HookTrail[] } {
  const trail: HookTrail[] = [];
  let authority: ModuleAnswer = null;
  for (const module of modules) {
    if (!module.hooks.includes(req.hook)) continue;
    const answer = module.check(req);
    trail.push({ module: module.name, answer });
    if (answer === null) continue;
    if (answer.effect !== 'allow') return { decision: { ...answer, mode }, trail };
    authority = answer;
  }
  if (authority !== null) return { decision: { ...authority, mode }, trail };
  const call = req.arg === null ? req.tool : `${req.tool}(${req.arg})`;
  const reason = `No module objected to ${call} at ${req.hook}.`;
  return { decision: { effect: 'allow', module: 'kernel', rule: 'default', scope: 'kernel', mode, reason }, trail };
}

/** Problems that make a module stack unusable: unnamed or duplicate modules, unknown hook points. */
export function checkModules(modules: readonly PolicyModule[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  modules.forEach((module, i) => {
    if (module.name === '') problems.push(`module ${i} has no name`);
    const first = seen.get(module.name);
    if (first === undefined) seen.set(module.name, i);
    else problems.push(`module "${module.name}" is registered twice (positions ${first} and ${i})`);
    for (const hook of module.hooks) {
      if (!HOOK_POINTS.includes(hook)) problems.push(`module "${module.name}" hooks unknown point "${String(hook)}"`);
    }
  });
  return problems;
}
