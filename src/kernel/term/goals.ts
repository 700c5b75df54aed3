/** Goal predicates: small declarative conditions over kernel state. */
import type { KernelState } from '../proc/state';
import type { Predicate } from '../spec';

export function evaluate(p: Predicate, s: Readonly<KernelState>): boolean {
  switch (p.kind) {
    case 'artifact': {
      const a = s.artifacts[p.name];
      return a !== undefined && (p.contains === undefined || a.text.includes(p.contains));
    }
    case 'finished':
      return s.procs[p.agent]?.state === 'done';
    case 'message':
      return s.sent.some((m) => (p.from === undefined || m.from === p.from) && (p.to === undefined || m.to === p.to) && (p.contains === undefined || m.text.includes(p.contains)));
    case 'all':
      return p.of.every((q) => evaluate(q, s));
    case 'any':
      return p.of.some((q) => evaluate(q, s));
  }
}
