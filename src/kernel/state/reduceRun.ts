/**
 * The run's and the jobs' share of the reducer: start, fork and stop of the run, goals met,
 * jobs published or failed, artifacts written and agents finished.
 */
import { idTable } from '../ids';
import { SCHED_CLASSES } from '../sched';
import { TERMINAL_STATES as TERMINAL } from '../ipc/taskState';
import { tasksServedBy } from '../ipc/taskIndex';
import type { Encoding } from '../tokens';
import { backToReady, chargeRun, proc, push, queueTask, rqOf, type SubsystemReducers } from './reduceHelpers';
import { failRunningJob } from './reduceFaults';
import { touchProc } from './touched';
import { appended, emptyTable, frozenCopy, immutable } from './immutable';
import { judgementKey } from '../term/judgement';

/** The run's reducers: start, fork, stop and goals met. */
export const runReducers = {
  // The state right after run.started is built by stateFromStart; the event itself changes nothing more.
  'run.started': () => {},
  'run.forked': (s, e) => {
    s.run = e.run;
    s.stopped = null;
  },
  'run.stopped': (s, e) => {
    s.stopped = { reason: e.reason, detail: e.detail };
  },
  'goal.met': (s, e) => {
    s.goalsMet[e.goal] = true;
  },
  'goal.judged': (s, e) => {
    (s.judged ??= idTable())[judgementKey(e.goal, e.path)] = { version: e.version, verdict: e.verdict, reason: e.reason, seq: e.seq };
    // The judge's call is the run's spending (no agent's, no group's).
    chargeRun(s, e.charge);
  },
  // A fact for the record and the metrics: the deadline class already accounted the turn.
  'sched.missed': () => {},
} satisfies SubsystemReducers;

/** The jobs' reducers: a process published or failed, its artifacts, its finish. */
export const jobReducers = {
  'job.published': (s, e) => {
    touchProc(s, e.agent);
    s.procs[e.agent] = {
      id: e.agent, pid: e.pid, state: 'ready', model: e.model, window: e.window, encoding: (e.tokenizer ?? 'o200k_base') as Encoding, turn: 0, pc: 0,
      // Never changed in place (frozen, so snapshots and the meter share them).
      context: appended([]), contextTokens: 0, recall: appended([]), memory: immutable(e.memory), pressure: 'ok',
      tools: immutable(e.tools), inbox: appended([]), vars: emptyTable(), last: '', pending: null, slot: -1, slotPhase: 'off', until: 0, call: null,
      readyAt: e.t, waiting: null, sched: immutable(e.sched), class: SCHED_CLASSES.classFor(e.sched.class).name, group: e.sched.group ?? null,
      gen: null, routedTurn: -1, tokensIn: 0, tokensOut: 0, cost: 0, finished: null, needsEnqueue: true, taint: emptyTable(), lastTaint: appended([]), followed: appended([]),
    };
    s.order.push(e.agent);
    s.nextPid = e.pid + 1;
    push(s, s.procs[e.agent]!, { role: 'system', text: e.system, tokens: e.systemTokens, kind: 'system', source: 'system', pinned: true, verified: true }, e.t);
  },
  // A job refused at creation has no process; one whose model failed for good (stage infer) stops.
  'job.failed': (s, e) => failRunningJob(s, e),
  'artifact.written': (s, e) => {
    s.artifacts[e.name] = { agent: e.agent, text: e.text, seq: e.seq, ...(e.taint && e.taint.length > 0 ? { taint: e.taint } : {}) };
    backToReady(proc(s, e.agent));
  },
  'agent.finished': (s, e) => {
    const p = proc(s, e.agent);
    const { cls, rq } = rqOf(s, p);
    cls.exit(rq, p.id);
    p.pending = null;
    p.state = 'done';
    p.finished = e.text;
    // Tasks it served and never answered end with it.
    for (const t of tasksServedBy(s.tasks, p.id)) {
      const at = t.want ?? t.state;
      if ( at !== null && !TERMINAL.has(at)) {
        s.tasks[t.id] = frozenCopy(t, { want: 'TASK_STATE_COMPLETED' });
        queueTask(s, t.id);
      }
    }
  },
} satisfies SubsystemReducers;
