/**
 * The A2A agent executor of `harness serve`: each A2A task is one kernel run of the harness, in
 * which the remote caller is the person ("human"). Its first message starts the run and is
 * delivered to the served agent as the human's message; the run goes on until it stops or waits
 * on the person. What the caller sees follows the kernel's own task record between the human and
 * the served agent (the kernel decides submitted → working → input-required → completed …); a run
 * that waits on the person (a message from the human, or an ask to approve) shows as
 * input-required, and the caller's next message on the task continues the same run.
 */
import { randomUUID } from 'node:crypto';
import { Message as SdkMessage, Task as SdkTask, TaskArtifactUpdateEvent as SdkArtifactUpdate, TaskStatusUpdateEvent as SdkStatusUpdate, type Message as SdkMessageT } from '@a2a-js/sdk';
import { AgentEvent, type AgentExecutor, type ExecutionEventBus, type RequestContext } from '@a2a-js/sdk/server';
import { HUMAN, Kernel, UNATTENDED_EVENT_CAP, asRunId, toJsonl, isTerminalTask, redactSecrets, secretResults, secretToolIds, type Cpu, type HarnessSpec, type KernelEvent, type McpPort, type A2aPort, type OpenAsk, type TaskState } from '../kernel';
import { message, textPart, type Message } from '../kernel/ipc/a2a';

/** How the server answers the permission asks of a run: forward them to the caller, or answer them itself like `harness run --approve`. */
export type ServeApprove = 'ask' | 'all' | 'none';

/** What every run of the server shares. */
export interface RunHost {
  spec: HarnessSpec;
  seed: number;
  cpus: Record<string, Cpu>;
  mcp?: McpPort;
  /** Messages to remote agents go through it (unset: such a message is a recorded failure). */
  a2a?: A2aPort;
  /** Prompt digests the host verified (policy.requireSigned). */
  signatures?: import('../kernel').VerifiedDigests;
  approve: ServeApprove;
  /** Values that never leave the server (declared secrets, API keys, the bearer token). */
  secrets: readonly string[];
  /** Wall clock for status timestamps and the wall-clock ceiling. */
  now: () => number;
  /** Wall-clock ceiling of one turn of a task (from the caller's message to the answer), in ms: past it the run stops with `max-wall-time`. */
  maxWallMs: number;
  /** Where each task's trace goes when the task ends (JSONL, secrets redacted); unset: not written. */
  writeTrace?: (taskId: string, jsonl: string) => void;
}

/** One A2A task: its run, the kernel task it follows and what the caller has not been told yet. */
interface Session {
  kernel: Kernel;
  /** The kernel's task between the human and the served agent (null until the first message is recorded). */
  kernelTask: string | null;
  /** Messages agents sent to the human since the caller's last message. */
  replies: string[];
  /** The served agent's finish text, once it finished. */
  finished: string | null;
  /** Runs one message at a time: a message that arrives while the run works waits for it. */
  lock: Promise<void>;
  /** The host's secrets and what this run's secret tools returned (longest first). */
  secrets: string[];
}

/** Events per slice of a run; between slices the server answers other requests. */
const SLICE = 2000;

const yieldToServer = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The caller's message as the text the agent reads: its text parts, data parts as JSON, files by name or URL. */
export function incomingText(m: SdkMessageT): string {
  const out: string[] = [];
  for (const p of m.parts) {
    const c = p.content;
    if (c === undefined) continue;
    if (c.$case === 'text') out.push(c.value);
    else if (c.$case === 'data') out.push(JSON.stringify(c.value));
    else if (c.$case === 'url') out.push(`[file ${p.filename || c.value}]`);
    else out.push(`[file ${p.filename || `${c.value.length} bytes`}]`);
  }
  return out.join('\n');
}

/** A reply to the asks: true approve, false deny, null not an answer. Only the first word counts. */
export function askAnswer(text: string): boolean | null {
  const word = /^\s*([a-z]+)/i.exec(text)?.[1]?.toLowerCase();
  if (word === 'approve' || word === 'approved' || word === 'yes' || word === 'allow') return true;
  if (word === 'deny' || word === 'denied' || word === 'no' || word === 'reject') return false;
  return null;
}

function describeAsks(asks: readonly OpenAsk[]): string {
  const lines = asks.map((a) => `${a.agent} asks to call ${a.tool} ${JSON.stringify(a.args)}: ${a.decision.reason}`);
  return `${lines.join('\n')}\nReply "approve" or "deny".`;
}

/** The executor for agent `agentId`: one kernel run per A2A task. */
export class KernelAgentExecutor implements AgentExecutor {
  private readonly sessions = new Map<string, Session>();
  private runs = 0;
  /** Tools marked secret: what they return is a secret of the run (trust/secretResults.ts). */
  private readonly secretTools: ReadonlySet<string>;

  constructor(
    private readonly host: RunHost,
    private readonly agentId: string,
  ) {
    this.secretTools = secretToolIds(host.spec);
  }

  /** Tasks whose runs are alive (waiting on their caller or working). */
  get liveTasks(): number {
    return this.sessions.size;
  }

  async execute(ctx: RequestContext, bus: ExecutionEventBus): Promise<void> {
    const known = this.sessions.get(ctx.taskId);
    const session = known ?? this.open(ctx.taskId);
    const previous = session.lock;
    let release!: () => void;
    session.lock = new Promise<void>((resolve) => (release = resolve));
    await previous;
    try {
      // Every execution starts with the task (A2A: the first event of a stream); a new one is submitted.
      bus.publish(AgentEvent.task(ctx.task ?? SdkTask.fromJSON({ id: ctx.taskId, contextId: ctx.contextId, status: { state: 'TASK_STATE_SUBMITTED', timestamp: this.stamp() }, history: [SdkMessage.toJSON(ctx.userMessage)] })));
      const text = incomingText(ctx.userMessage);
      const asks = session.kernel.openAsks();
      if (asks.length > 0 && this.host.approve === 'ask') {
        const yes = askAnswer(text);
        if (yes === null) return this.finishTurn(ctx, bus, 'TASK_STATE_INPUT_REQUIRED', `${describeAsks(asks)}`);
        for (const a of asks) session.kernel.submit(yes ? { kind: 'approve', callId: a.callId, remember: false } : { kind: 'deny', callId: a.callId, reason: 'the A2A caller denied it' });
      } else {
        const to = this.recipient(session.kernel);
        const sent = session.kernel.submit({ kind: 'message', to, text });
        if (!sent.ok) return this.endTask(ctx, bus, 'TASK_STATE_FAILED', `${this.agentId} cannot take the message: ${sent.error}`);
      }
      session.replies = [];
      await this.drive(ctx, bus, session);
    } finally {
      release();
    }
  }

  async cancelTask(taskId: string, bus: ExecutionEventBus): Promise<void> {
    const session = this.sessions.get(taskId);
    if (session && !session.kernel.stopped) session.kernel.submit({ kind: 'stop', detail: 'the A2A caller canceled the task' });
    this.sessions.delete(taskId);
    if (session) this.writeTrace(taskId, session);
    session?.kernel.abandon();
    bus.publish(AgentEvent.statusUpdate(SdkStatusUpdate.fromJSON({ taskId, contextId: '', status: { state: 'TASK_STATE_CANCELED', timestamp: this.stamp() } })));
  }

  /** Stops every run (the server is closing). */
  closeAll(): void {
    for (const [taskId, s] of this.sessions) {
      this.writeTrace(taskId, s);
      s.kernel.abandon();
    }
    this.sessions.clear();
  }

  private open(taskId: string): Session {
    const { spec, seed, cpus, mcp, a2a, signatures } = this.host;
    const kernel = Kernel.create(spec, { runId: asRunId(`serve-${this.agentId}-${++this.runs}`), seed, cpus, ...(mcp ? { mcp } : {}), ...(a2a ? { a2a } : {}), ...(signatures ? { signatures } : {}) });
    const session: Session = { kernel, kernelTask: null, replies: [], finished: null, lock: Promise.resolve(), secrets: [...this.host.secrets] };
    this.sessions.set(taskId, session);
    return session;
  }

  /** Who reads the caller's message: the served agent, unless another agent is the one waiting for the human. */
  private recipient(kernel: Kernel): string {
    const procs = Object.values(kernel.state.procs);
    const waits = (id: string): boolean => procs.some((p) => p.id === id && p.state === 'blocked' && p.waiting?.from === HUMAN);
    if (waits(this.agentId)) return this.agentId;
    return procs.find((p) => p.state === 'blocked' && p.waiting?.from === HUMAN)?.id ?? this.agentId;
  }

  /** Runs until the run stops or waits on the person, telling the caller what happened on the way. */
  private async drive(ctx: RequestContext, bus: ExecutionEventBus, session: Session): Promise<void> {
    const { kernel } = session;
    let budget = UNATTENDED_EVENT_CAP;
    const deadline = this.host.now() + this.host.maxWallMs;
    let sinceCheck = 0;
    // The clock is read every 256 events (as harness run does), so checking costs nothing measurable.
    const pastDeadline = (): boolean => ++sinceCheck % 256 === 0 && this.host.now() > deadline;
    for (;;) {
      const r = await kernel.runUntil({ maxEvents: Math.min(SLICE, budget), shouldPause: pastDeadline });
      budget -= r.events.length;
      // A secret tool's result is learned before anything of this slice is told (as the CLI's run and the studio do).
      const learned = secretResults(r.events, this.secretTools).filter((x) => !session.secrets.includes(x));
      if (learned.length > 0) session.secrets = [...session.secrets, ...learned].sort((a, b) => b.length - a.length);
      for (const e of r.events) this.observe(ctx, bus, session, e);
      if (r.reason === 'stopped') break;
      if (r.reason === 'waiting') {
        const done = this.kernelState(session);
        // The kernel ended the caller's task already: the rest of the run has nothing for the caller.
        if (done !== null && isTerminalTask(done)) break;
        const asks = kernel.openAsks();
        if (asks.length > 0 && this.host.approve !== 'ask') {
          for (const a of asks) kernel.submit(this.host.approve === 'all' ? { kind: 'approve', callId: a.callId, remember: false } : { kind: 'deny', callId: a.callId, reason: 'nobody answers asks at this server (harness serve --approve none)' });
          continue;
        }
        const question = [...session.replies, ...(asks.length > 0 ? [describeAsks(asks)] : [])].join('\n');
        return this.finishTurn(ctx, bus, 'TASK_STATE_INPUT_REQUIRED', question || `${this.recipient(kernel)} waits for your message`);
      }
      if (budget <= 0) {
        kernel.submit({ kind: 'stop', detail: `the run did not stop within ${UNATTENDED_EVENT_CAP} events` });
        budget = SLICE;
      } else if (r.reason === 'paused') {
        kernel.submit({ kind: 'stop', ceiling: 'max-wall-time', detail: `the run took more than ${this.host.maxWallMs / 1000} s of wall-clock time on one message, its ceiling (harness serve --max-wall-time); ${kernel.state.steps} agent turns so far` });
      }
      await yieldToServer();
    }
    const state = this.kernelState(session);
    const stop = kernel.state.stopped;
    if (state !== null && isTerminalTask(state)) {
      const answer = session.replies.length > 0 ? session.replies.join('\n') : session.finished;
      return this.endTask(ctx, bus, state, answer || undefined);
    }
    // The run ended before the kernel closed the task: the caller's task failed with the run's stop.
    return this.endTask(ctx, bus, 'TASK_STATE_FAILED', `the run stopped (${stop?.reason ?? 'unknown'}: ${stop?.detail ?? ''}) before ${this.agentId} answered`);
  }

  private kernelState(session: Session): TaskState | null {
    return session.kernelTask === null ? null : (session.kernel.state.tasks[session.kernelTask]?.state ?? null);
  }

  /** Follows one event: the task it moves, replies to the human, artifacts written, the agent's finish. */
  private observe(ctx: RequestContext, bus: ExecutionEventBus, session: Session, e: KernelEvent): void {
    switch (e.type) {
      case 'msg.sent': {
        const between = (e.from === HUMAN && e.to === this.agentId) || (e.from === this.agentId && e.to === HUMAN);
        // The caller's task is one the agent serves for the human; a later message of the agent may open one the other way.
        const t = between && e.task ? session.kernel.state.tasks[e.task] : undefined;
        if (t && t.client === HUMAN && t.server === this.agentId) session.kernelTask = t.id;
        if (e.to === HUMAN && e.from !== HUMAN) session.replies.push(this.clean(e.from === this.agentId ? e.text : `[${e.from}] ${e.text}`, ctx.taskId));
        return;
      }
      case 'task.updated':
        // Working is news the caller can see at once; waiting and the end are told when the run pauses or stops.
        if (e.task === session.kernelTask && e.to === 'TASK_STATE_WORKING') this.status(ctx, bus, 'TASK_STATE_WORKING');
        return;
      case 'artifact.written':
        bus.publish(AgentEvent.artifactUpdate(SdkArtifactUpdate.fromJSON({ taskId: ctx.taskId, contextId: ctx.contextId, artifact: { artifactId: e.name, name: e.name, parts: [textPart(this.clean(e.text, ctx.taskId))], metadata: { agent: e.agent } } })));
        return;
      case 'agent.finished':
        if (e.agent === this.agentId) session.finished = this.clean(e.text, ctx.taskId);
        return;
      default:
        return;
    }
  }

  /** A status the caller is told, with an optional agent message. */
  private status(ctx: RequestContext, bus: ExecutionEventBus, state: TaskState, text?: string): void {
    const note: Message | undefined = text === undefined ? undefined : message({ messageId: randomUUID(), role: 'ROLE_AGENT', parts: [textPart(text)], contextId: ctx.contextId, taskId: ctx.taskId });
    bus.publish(AgentEvent.statusUpdate(SdkStatusUpdate.fromJSON({ taskId: ctx.taskId, contextId: ctx.contextId, status: { state, ...(note ? { message: note } : {}), timestamp: this.stamp() } })));
  }

  /** The turn ends with the task waiting on the caller; the run stays alive for the next message. */
  private finishTurn(ctx: RequestContext, bus: ExecutionEventBus, state: TaskState, text: string): void {
    this.status(ctx, bus, state, this.clean(text, ctx.taskId));
  }

  /** The task ends: its last status, and its run is dropped. */
  private endTask(ctx: RequestContext, bus: ExecutionEventBus, state: TaskState, text?: string): void {
    this.status(ctx, bus, state, text === undefined ? undefined : this.clean(text, ctx.taskId));
    const session = this.sessions.get(ctx.taskId);
    if (session) this.writeTrace(ctx.taskId, session);
    session?.kernel.abandon();
    this.sessions.delete(ctx.taskId);
  }

  /** The task's trace so far, secrets redacted, to the host's trace writer (a failure to write is the host's to report). */
  private writeTrace(taskId: string, session: Session): void {
    if (!this.host.writeTrace) return;
    const jsonl = toJsonl(session.kernel.events);
    this.host.writeTrace(taskId, session.secrets.length > 0 ? redactSecrets(jsonl, session.secrets) : jsonl);
  }

  private clean(text: string, taskId?: string): string {
    const secrets = (taskId === undefined ? undefined : this.sessions.get(taskId)?.secrets) ?? this.host.secrets;
    return secrets.length > 0 ? redactSecrets(text, secrets) : text;
  }

  private stamp(): string {
    return new Date(this.host.now()).toISOString();
  }
}
