/**
 * The colour a running agent glows in, by its scheduling class: taken from the Scheduler view's
 * palette (sched/drawGantt.ts) so the canvas and the Gantt speak the same colours.
 */
import { AGENT_COLORS, MARKER_STYLE } from '../../sched/drawGantt';

const BY_CLASS: Readonly<Record<string, string>> = Object.freeze({
  deadline: MARKER_STYLE.preempt.color,
  rt: AGENT_COLORS[2]!,
  fair: AGENT_COLORS[0]!,
  fifo: AGENT_COLORS[1]!,
  idle: AGENT_COLORS[8]!,
});

/** The glow colour of class `name`; a class it does not know (a newly registered one) gets a colour none of these uses. */
export function classColor(name: string): string {
  return BY_CLASS[name] ?? AGENT_COLORS[4]!;
}
