/**
 * No escalation for sub-agents (kernel/loop/spawn.ts): the class a spawn asks for its child must
 * not rank above its spawner's (deadline 10 > rt 20 > fifo 21 > fair 30 > priority 40 > idle 90,
 * lower first), and within the same class the child's static priority may not be higher (rt and
 * priority: `priority`, higher first; fair: `nice`, lower first; deadline: a shorter `runtime`
 * per `period` is required, so never more bandwidth). The figures go on the refusal.
 */
import type { AgentSched } from './schedClass';
import { SCHED_CLASSES } from './index';

const num = (sc: AgentSched, key: string): number | undefined => (typeof sc[key] === 'number' ? (sc[key] as number) : undefined);

/** Why `asked` would escalate over `parent`, with the figures compared, or null when it does not. */
export function escalation(parent: AgentSched, asked: AgentSched): { reason: string; numbers: Record<string, number | string | null> } | null {
  const pc = SCHED_CLASSES.classFor(parent.class);
  const ac = SCHED_CLASSES.classFor(asked.class);
  const numbers: Record<string, number | string | null> = { parentClass: pc.name, parentRank: pc.rank, askedClass: ac.name, askedRank: ac.rank };
  if (ac.rank < pc.rank) return { reason: `it asks class ${ac.name} (rank ${ac.rank}), above its spawner's ${pc.name} (rank ${pc.rank})`, numbers };
  if (ac.name !== pc.name) return null;
  const higher = (key: string, higherFirst: boolean): { reason: string; numbers: Record<string, number | string | null> } | null => {
    const p = num(parent, key) ?? 0;
    const a = num(asked, key) ?? 0;
    if (higherFirst ? a > p : a < p) return { reason: `it asks ${key} ${a} in class ${ac.name}, above its spawner's ${key} ${p}`, numbers: { ...numbers, [`parent.${key}`]: p, [`asked.${key}`]: a } };
    return null;
  };
  if (ac.name === 'rt' || ac.name === 'fifo' || ac.name === 'priority') return higher('priority', true);
  if (ac.name === 'fair') return higher('nice', false);
  if (ac.name === 'deadline') {
    const share = (sc: AgentSched): number => (num(sc, 'runtime') ?? 0) / Math.max(1, num(sc, 'period') ?? 1);
    if (share(asked) > share(parent)) return { reason: `it asks a deadline bandwidth of ${share(asked).toFixed(3)}, above its spawner's ${share(parent).toFixed(3)}`, numbers: { ...numbers, parentShare: share(parent), askedShare: share(asked) } };
  }
  return null;
}
