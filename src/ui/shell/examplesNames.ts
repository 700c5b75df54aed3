/** How the examples index names its pillars and the six break points (docs/analogy.md). */
import { BREAK_POINTS, type BreakPoint, type Pillar } from '../../kernel';

export const PILLAR_TITLE: Readonly<Record<Pillar, string>> = {
  scheduling: 'Scheduling',
  memory: 'Memory',
  trust: 'Trust',
  cooperation: 'Cooperation',
};

const BREAK_TITLE: Readonly<Record<BreakPoint, string>> = {
  persuadable: 'the CPU can be persuaded',
  validity: 'memory has validity',
  'semantic-done': '"done" is semantic',
  'lossy-ipc': 'IPC is lossy',
  statistical: 'the CPU is statistical',
  identity: 'identity must be anchored',
};

/** `Break point 3: "done" is semantic`; null: where the analogy holds. */
export function breakPointTitle(bp: BreakPoint | null): string {
  return bp === null ? 'Where the analogy holds' : `Break point ${BREAK_POINTS.indexOf(bp) + 1}: ${BREAK_TITLE[bp]}`;
}
