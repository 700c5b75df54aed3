/**
 * The turn-taking source (sched/turnTaking.ts): when a conversation group has no speaker and
 * members wait for a turn, it chooses the next one (`turn.chosen`), or, once the group had
 * `maxTurns` turns, finishes the members still waiting (the chat is over). It is asked before
 * the runqueues are filled, and `heldForTurn` keeps every member but the speaker out of them.
 *
 * Under `model` on a real CPU the selector model is asked through the judge port (the rubric
 * names the candidates, the subject is the last speaker's words) and its answer and record are
 * kept on the event: a restored run reads the choice from its trace, and a fork's recording
 * (RecordedCpu) answers the same question without a call.
 */
import type { Cpu, JudgeAnswer } from '../cpu/cpu';
import { isCpuFault } from '../cpu/fault';
import type { AgentId } from '../ids';
import { draw } from '../rng';
import { choiceFromText, randomChoice, roundRobin, speakingOrder, turnHolder, wantsTurn, type TurnChoice } from '../sched/turnTaking';
import type { HarnessSpec } from '../spec';
import type { Proc } from '../state/state';
import type { KernelEvent } from '../trace/events';
import { backingOff } from './modelFaults';
import type { RunContext, Step } from './runContext';

type TurnGroup = { id: string; policy: 'round-robin' | 'random' | 'model'; order: AgentId[]; maxTurns?: number; model?: string };

/** Conversation groups of a document, and each member's group, computed once per document. */
const GROUPS = new WeakMap<HarnessSpec, { groups: TurnGroup[]; groupOf: Map<AgentId, string> }>();

function turnGroups(spec: HarnessSpec): { groups: TurnGroup[]; groupOf: Map<AgentId, string> } {
  let g = GROUPS.get(spec);
  if (!g) {
    const groups: TurnGroup[] = [];
    const groupOf = new Map<AgentId, string>();
    for (const grp of spec.groups) {
      const tt = grp.turnTaking;
      if (!tt) continue;
      const members = spec.agents.filter((a) => a.sched.group === grp.id).map((a) => a.id);
      groups.push({ id: grp.id, policy: tt.policy, order: speakingOrder(members, tt.order), ...(tt.maxTurns !== undefined ? { maxTurns: tt.maxTurns } : {}), ...(tt.model !== undefined ? { model: tt.model } : {}) });
      for (const m of members) groupOf.set(m, grp.id);
    }
    g = { groups, groupOf };
    GROUPS.set(spec, g);
  }
  return g;
}

/** True when `p` is a member of a conversation group and another member holds (or is about to be given) the turn. */
export function heldForTurn(ctx: RunContext, p: Proc): boolean {
  const group = turnGroups(ctx.spec).groupOf.get(p.id);
  return group !== undefined && turnHolder(ctx.s, group) !== p.id;
}

/** The text of `agent`'s last completed model turn (searched back through recent events), '' when none. */
function lastWords(ctx: RunContext, agent: AgentId): string {
  const log = ctx.log;
  for (let i = log.length - 1, n = 0; i >= 0 && n < 4096; i--, n++) {
    const e = log[i]!;
    if (e.type === 'infer.completed' && e.agent === agent) return e.text;
  }
  return '';
}

/** The next turn-taking event: a speaker chosen, or a waiting member finished after maxTurns; undefined when none is due. */
export function nextTurnEvent(ctx: RunContext): Step | undefined {
  const { groups } = turnGroups(ctx.spec);
  const s = ctx.s;
  for (const g of groups) {
    if (turnHolder(s, g.id) !== null) continue;
    const candidates = g.order.filter((a) => {
      const p = s.procs[a];
      return p !== undefined && wantsTurn(p) && !backingOff(p, s.now);
    });
    if (candidates.length === 0) continue;
    const state = s.turns?.[g.id];
    const taken = state?.taken ?? 0;
    if (g.maxTurns !== undefined && taken >= g.maxTurns) {
      return ctx.emit({ type: 'agent.finished', agent: candidates[0]!, text: `the group chat ${g.id} is over: it had its ${g.maxTurns} turns (turnTaking.maxTurns)` });
    }
    const last = state?.speaker ?? null;
    const chosen: Emit = (c, extra = {}) =>
      ctx.emit({ type: 'turn.chosen', agent: c.chosen, group: g.id, policy: g.policy, turn: taken + 1, members: [...g.order], candidates, why: c.why, numbers: { ...c.numbers, candidates: candidates.length, spoken: state?.spoken[c.chosen] ?? 0 }, ...extra });
    if (g.policy === 'round-robin') return chosen(roundRobin(g.order, candidates, last));
    if (g.policy === 'random') return chosen(randomChoice(candidates, draw(ctx.seed, `turn:${g.id}`, taken + 1)));
    return chooseByModel(ctx, g, candidates, last, taken + 1, chosen);
  }
  return undefined;
}

type Emit = (c: TurnChoice, extra?: { answer?: string; record?: JudgeAnswer['record'] }) => KernelEvent;

/** The `model` policy: the sim reads the last speaker's words; a real CPU is asked (and recorded). */
function chooseByModel(ctx: RunContext, g: TurnGroup, candidates: AgentId[], last: AgentId | null, turn: number, emit: Emit): Step {
  if (last === null) {
    const rr = roundRobin(g.order, candidates, null);
    return emit({ ...rr, why: `model: nobody has spoken yet; ${rr.why}` });
  }
  const names = new Map(ctx.spec.agents.map((a) => [a.id, a.name] as const));
  const text = lastWords(ctx, last);
  const modelId = g.model ?? ctx.s.procs[last]?.model ?? ctx.agents.get(last)!.model;
  const model = ctx.models.get(modelId)!;
  const cpu: Cpu | undefined = model.provider === 'sim' ? undefined : ctx.cpus[model.provider];
  if (cpu?.judge === undefined) {
    // The sim (or no endpoint): the deterministic rule — whom the last speaker named.
    return emit(choiceFromText(text, `${last}'s last words`, g.order, candidates, last, names));
  }
  const rubric = `A group chat (${g.id}). Who should speak next? Answer with exactly one name from: ${candidates.map((a) => `${a} (${names.get(a) ?? a})`).join(', ')}.`;
  const answered = (a: JudgeAnswer): KernelEvent => {
    const c = choiceFromText(a.answer, `model ${modelId}`, g.order, candidates, last, names);
    return emit(c, { answer: a.answer, record: a.record });
  };
  const failed = (err: unknown): KernelEvent => {
    if (!isCpuFault(err)) throw err;
    const rr = roundRobin(g.order, candidates, last);
    return emit({ ...rr, why: `model ${modelId} could not choose (${err.failure.message}); ${rr.why}` });
  };
  try {
    const a = cpu.judge({ model, rubric, subject: text, subjectName: `${last}'s last words`, goal: `turn:${g.id}`, path: 'speaker', version: turn, seed: ctx.seed });
    return a instanceof Promise ? a.then(answered, failed) : answered(a);
  } catch (err) {
    return failed(err);
  }
}
