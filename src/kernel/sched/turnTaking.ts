/**
 * Turn-taking among agents (the notes' "round-robin = multi-agent turn-taking", AutoGen's
 * GroupChat): a conversation group's members speak one at a time. This is a scheduling class
 * over AGENTS in a group, separate from the classes over SLOTS on a model: the speaker still
 * queues for a slot like any agent; the others wait "on turn" and are not queued at all.
 *
 * The speaker holds the turn until its model turn completes (its turn counter moves on), it
 * blocks or it ends; then the next is chosen among the members waiting for a turn:
 * - `round-robin`: the first waiting member after the last speaker in the group's order;
 * - `random`: a seeded draw (rng.ts: seed, `turn:<group>`, the group's turn number), so a run
 *   and every replay or fork of it choose the same (the loop draws, this file only maps the draw);
 * - `model`: the member the last speaker names in its text (by id or name, first in order) on
 *   the sim; a real model's recorded answer on a real CPU (loop/turnSource.ts); round robin
 *   when nobody is named.
 * Each choice is a `turn.chosen` event with its candidates and numbers; the state it leaves
 * (`KernelState.turns`) is a reduction of those events, so seeks and forks carry it.
 */
import type { AgentId } from '../ids';
import type { EventOf } from '../trace/events';
import type { KernelState, Proc, TurnState } from '../state/state';
import { idTable } from '../ids';

/** A conversation group's policy (spec `groups[].turnTaking.policy`). */
export type TurnPolicy = 'round-robin' | 'random' | 'model';

/** A choice of speaker and the reasons for it. */
export interface TurnChoice {
  chosen: AgentId;
  why: string;
  numbers: Record<string, number>;
}

/** The members in speaking order: the declared order first, then the others in document order. */
export function speakingOrder(members: readonly AgentId[], order: readonly AgentId[] | undefined): AgentId[] {
  if (!order) return [...members];
  const declared = order.filter((a) => members.includes(a));
  return [...declared, ...members.filter((a) => !declared.includes(a))];
}

/** Round robin: the first candidate after `last` in `order`, going round (the first in order when nobody spoke yet). */
export function roundRobin(order: readonly AgentId[], candidates: readonly AgentId[], last: AgentId | null): TurnChoice {
  if (candidates.length === 0) throw new Error('round robin needs a candidate');
  const from = last === null ? -1 : order.indexOf(last);
  for (let k = 1; k <= order.length; k++) {
    const at = (from + k + order.length) % order.length;
    const a = order[at]!;
    if (candidates.includes(a)) {
      const skipped = k - 1;
      return {
        chosen: a,
        why: last === null ? `round robin: ${a} is first in the order` : `round robin: ${a} comes after ${last}${skipped > 0 ? ` (${skipped} not waiting skipped)` : ''}`,
        numbers: { index: at, skipped },
      };
    }
  }
  // A candidate outside the order (cannot happen for members) still gets its turn.
  return { chosen: candidates[0]!, why: `round robin: ${candidates[0]} is the only one waiting`, numbers: { index: -1, skipped: 0 } };
}

/** A uniform choice among the candidates by `u` in [0, 1): the run loop draws it from the seed (rng.ts `draw(seed, 'turn:<group>', turn)`). */
export function randomChoice(candidates: readonly AgentId[], u: number): TurnChoice {
  if (candidates.length === 0) throw new Error('a random choice needs a candidate');
  const i = Math.min(candidates.length - 1, Math.floor(u * candidates.length));
  return { chosen: candidates[i]!, why: `random: draw ${u.toFixed(4)} × ${candidates.length} candidates → #${i} ${candidates[i]}`, numbers: { draw: u, index: i } };
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The first candidate (in `order`) whose id or name appears in `text` as a whole word, case-insensitively; null when none. */
export function namedIn(text: string, order: readonly AgentId[], candidates: readonly AgentId[], names: ReadonlyMap<AgentId, string>): AgentId | null {
  let best: { a: AgentId; at: number } | null = null;
  for (const a of order) {
    if (!candidates.includes(a)) continue;
    for (const label of [a, names.get(a)]) {
      if (!label) continue;
      const m = new RegExp(`(^|[^\\p{L}\\p{N}_-])${escape(label)}($|[^\\p{L}\\p{N}_-])`, 'iu').exec(text);
      // The earliest mention in the text wins ("Ask Bob, not Ann" names Bob).
      if (m && (best === null || m.index < best.at)) best = { a, at: m.index };
    }
  }
  return best?.a ?? null;
}

/**
 * The model policy's choice from a text (the sim's last speaker's words, or a real model's
 * answer): the candidate it names, else round robin, saying so.
 */
export function choiceFromText(text: string, who: string, order: readonly AgentId[], candidates: readonly AgentId[], last: AgentId | null, names: ReadonlyMap<AgentId, string>): TurnChoice {
  const named = namedIn(text, order, candidates, names);
  if (named !== null) return { chosen: named, why: `model: ${who} named ${named}`, numbers: { named: 1, index: order.indexOf(named) } };
  const rr = roundRobin(order, candidates, last);
  return { chosen: rr.chosen, why: `model: ${who} named no one waiting; ${rr.why}`, numbers: { named: 0, ...rr.numbers } };
}

const alive = (p: Proc | undefined): p is Proc => p !== undefined && p.state !== 'done' && p.state !== 'failed';

/** The member holding the group's turn at `s`, or null: it holds it until its model turn completes, it blocks or it ends. */
export function turnHolder(s: Readonly<KernelState>, group: string): AgentId | null {
  const t = s.turns?.[group];
  if (!t) return null;
  const p = s.procs[t.speaker];
  return alive(p) && p.turn === t.speakerTurn && p.state !== 'blocked' ? t.speaker : null;
}

/** The agent wants a new model turn (ready, not queued, no generation in progress). */
export function wantsTurn(p: Proc): boolean {
  return p.state === 'ready' && p.needsEnqueue && p.gen === null;
}

/**
 * What holds an agent back on its group's turn at `s`: the group and who speaks (null: the
 * next speaker is about to be chosen), or null when it does not wait on a turn. The process
 * table and the canvas read it through cursorView; the run loop gates the runqueue with it.
 */
export function waitsOnTurn(s: Readonly<KernelState>, agent: AgentId): { group: string; speaker: AgentId | null } | null {
  const p = s.procs[agent];
  if (!p || !wantsTurn(p) || !s.turns) return null;
  for (const group in s.turns) {
    const t = s.turns[group]!;
    if (!t.members.includes(agent)) continue;
    const holder = turnHolder(s, group);
    if (holder !== agent) return { group, speaker: holder };
  }
  return null;
}

/** `turn.chosen`: the chosen member holds the group's turn from its current turn counter. */
export function applyTurnChosen(s: KernelState, e: EventOf<'turn.chosen'>): void {
  const turns = (s.turns ??= idTable<TurnState>());
  const before = turns[e.group];
  const spoken = idTable<number>();
  for (const m of e.members) spoken[m] = before?.spoken[m] ?? 0;
  spoken[e.agent] = (spoken[e.agent] ?? 0) + 1;
  turns[e.group] = { members: [...e.members], speaker: e.agent, speakerTurn: s.procs[e.agent]?.turn ?? 0, taken: e.turn, spoken };
}
