/**
 * A person's state edit (trace/editEvent.ts) checked against the state at the cursor and
 * resolved into the `human.edited` event that records it: the segment ids it changes, the
 * variable a tool result was bound to, the digests of the text before and after. Every problem
 * is named (which agent, which segment, which call, at which event), and nothing is recorded
 * for an edit that has one. Pure: the kernel emits what `resolveEdit` returns.
 */
import type { KernelState, Proc } from '../state/state';
import { countTokens } from '../tokens';
import type { EditApplied, StateEdit } from '../trace/editEvent';
import type { EventOf, KernelEvent, KernelEventBody } from '../trace/events';
import { hashText } from '../trace/hash';

/** What an edit is checked against: the state at the cursor, the run's events, and a seek to an earlier state. */
export interface EditView {
  readonly s: Readonly<KernelState>;
  readonly log: readonly KernelEvent[];
  /** The state right after event `seq` (for what a call was bound to when it returned). */
  stateAt(seq: number): Readonly<KernelState>;
  /** The event the person edits at, as errors name it (a fork's: the parent's event, not its run.forked); default the state's. */
  at?: number;
}

/** An edit's event, or why it cannot be made. */
export type EditResolution = { ok: true; event: Extract<KernelEventBody, { type: 'human.edited' }> } | { ok: false; error: string };

const fail = (error: string): EditResolution => ({ ok: false, error });

/** The digest a `human.edited` records for a text (FNV-1a 64, as the trace hash). */
export const editDigest = (text: string): string => hashText(text);

function procOf(v: EditView, agent: unknown): Proc | string {
  if (typeof agent !== 'string' || agent === '') return 'the edit names no agent';
  const p = v.s.procs[agent];
  if (!p) return `there is no agent "${agent}" at event ${v.at ?? v.s.seq}${v.log[0]?.type === 'run.started' && v.log[0].agents.includes(agent as never) ? ' (its job has not started yet)' : ''}`;
  return p;
}

function textOf(edit: { text?: unknown }): string | null {
  return typeof edit.text === 'string' ? edit.text : null;
}

function event(agent: string | undefined, target: string, before: string | null, after: string | null, edit: EditApplied): EditResolution {
  const body = { type: 'human.edited' as const, ...(agent === undefined ? {} : { agent: agent as never }), target, before: before === null ? '' : editDigest(before), after: after === null ? '' : editDigest(after), edit };
  return { ok: true, event: body };
}

/** The `tool.returned` of call `callId` at or before the cursor, searched from the end (it is usually recent). */
function returnedOf(v: EditView, callId: string): EventOf<'tool.returned'> | EventOf<'tool.called'> | null {
  let called: EventOf<'tool.called'> | null = null;
  for (let i = Math.min(v.log.length - 1, v.s.seq); i >= 0; i--) {
    const e = v.log[i]!;
    if (e.type === 'tool.returned' && e.callId === callId) return e;
    if (e.type === 'tool.called' && e.callId === callId) called = e;
  }
  return called;
}

/** One core-memory block of an agent at the cursor, as a person edits it (`core.edit` by its label). */
export interface CoreBlockView {
  label: string;
  text: string;
  /** The segment holding it: its own `core` segment, or the system segment for a block the document declares. */
  segment: string;
  /** Declared in the document: it lives inside the system prompt as `<label>…</label>` (loop/jobPipeline.ts). */
  declared: boolean;
}

/**
 * An agent's core-memory blocks in its window: those it wrote (their own `core` segments) and
 * those the document declares (inside the system segment). The studio lists and edits these;
 * `core.edit` resolves its label against the same list.
 */
export function coreBlocksOf(p: Pick<Proc, 'context'>): CoreBlockView[] {
  const out: CoreBlockView[] = p.context.filter((x) => x.kind === 'core' && x.source.startsWith('core:')).map((x) => ({ label: x.source.slice(5), text: x.text, segment: x.id, declared: false }));
  const system = p.context.find((x) => x.kind === 'system');
  if (!system) return out;
  for (const m of system.text.matchAll(/^<([^/>\n]+)>$/gm)) {
    const label = m[1]!;
    if (out.some((b) => b.label === label)) continue;
    const start = m.index + m[0].length + 1;
    const end = system.text.indexOf(`\n</${label}>`, start - 1);
    if (end < 0) continue;
    out.push({ label, text: end < start ? '' : system.text.slice(start, end), segment: system.id, declared: true });
  }
  return out;
}

/** Resolves and checks one edit against the state at the cursor (see the module comment). */
export function resolveEdit(v: EditView, edit: StateEdit): EditResolution {
  const s = v.s;
  const at = `at event ${v.at ?? s.seq}`;
  if (edit === null || typeof edit !== 'object') return fail('an edit must be an object with a kind');
  switch (edit.kind) {
    case 'segment.remove':
    case 'segment.edit': {
      const p = procOf(v, edit.agent);
      if (typeof p === 'string') return fail(p);
      const seg = p.context.find((x) => x.id === edit.segment);
      if (!seg) {
        const gone = p.recall.some((x) => x.id === edit.segment);
        return fail(`${p.id}'s window has no segment "${String(edit.segment)}" ${at}${gone ? ' (it left the window for recall storage)' : ''}`);
      }
      if (seg.kind === 'system') return fail(`segment ${seg.id} is ${p.id}'s system prompt: edit the prompt in the document (Fork here with the edited document) instead`);
      const where = `${p.id}'s window segment ${seg.id} (${seg.kind})`;
      if (edit.kind === 'segment.remove') return event(p.id, where, seg.text, null, { kind: 'segment.removed', segment: seg.id });
      const text = textOf(edit);
      if (text === null) return fail(`the new text of ${where} must be a string`);
      if (text === seg.text) return fail(`the new text of ${where} is the same as the old one`);
      return event(p.id, where, seg.text, text, { kind: 'segment.edited', segment: seg.id, text, tokens: countTokens(text, p.encoding) });
    }
    case 'segment.add': {
      const p = procOf(v, edit.agent);
      if (typeof p === 'string') return fail(p);
      const text = textOf(edit);
      if (text === null || text.trim() === '') return fail(`a segment added to ${p.id}'s window needs some text`);
      const role = edit.role ?? 'user';
      if (!['user', 'system', 'assistant', 'tool'].includes(role)) return fail(`a segment's role is user, system, assistant or tool, not "${String(role)}"`);
      const segment = `s${s.nextSeg}`;
      return event(p.id, `${p.id}'s window: new segment ${segment}`, null, text, { kind: 'segment.added', segment, role, fact: edit.fact === true, text, tokens: countTokens(text, p.encoding) });
    }
    case 'core.edit': {
      const p = procOf(v, edit.agent);
      if (typeof p === 'string') return fail(p);
      const text = textOf(edit);
      const name = `${p.id}'s core block "${String(edit.label)}"`;
      if (text === null) return fail(`the new text of ${name} must be a string`);
      const block = coreBlocksOf(p).find((b) => b.label === edit.label);
      if (!block) {
        const labels = coreBlocksOf(p).map((b) => b.label);
        return fail(`${p.id} has no core-memory block "${String(edit.label)}" ${at}${labels.length > 0 ? ` (it has ${labels.join(', ')})` : ' (it has none)'}`);
      }
      if (text === block.text) return fail(`the new text of ${name} is the same as the old one`);
      if (!block.declared) return event(p.id, name, block.text, text, { kind: 'core.edited', label: edit.label, segment: block.segment, text, tokens: countTokens(text, p.encoding) });
      // A declared block is spliced into the whole system text, which the event carries.
      const system = p.context.find((x) => x.id === block.segment)!;
      const open = `<${edit.label}>\n`;
      const from = system.text.indexOf(open);
      const to = from + open.length + block.text.length;
      const whole = `${system.text.slice(0, from + open.length)}${text}${system.text.slice(to)}`;
      return event(p.id, name, block.text, text, { kind: 'core.edited', label: edit.label, segment: system.id, text: whole, tokens: countTokens(whole, p.encoding) });
    }
    case 'chunk.edit': {
      const docs = s.stores[edit.store];
      const views = s.views[edit.store] ?? {};
      if (!docs && Object.keys(views).length === 0) return fail(`there is no store "${String(edit.store)}" in this run`);
      const shared = docs?.find((d) => d.id === edit.id);
      const agents = Object.keys(views).filter((a) => views[a]!.some((d) => d.id === edit.id)).sort();
      const old = shared ?? views[agents[0] ?? '']?.find((d) => d.id === edit.id);
      if (!old) return fail(`store "${edit.store}" has no chunk "${String(edit.id)}" ${at}`);
      const text = textOf(edit);
      if (text === null || text.trim() === '') return fail(`the new text of chunk ${edit.id} of "${edit.store}" must not be empty`);
      if (text === old.text) return fail(`the new text of chunk ${edit.id} of "${edit.store}" is the same as the old one`);
      return event(undefined, `archival chunk ${edit.id} of "${edit.store}"`, old.text, text, { kind: 'chunk.edited', store: edit.store, id: edit.id, agents, shared: shared !== undefined, text });
    }
    case 'message.edit': {
      const text = textOf(edit);
      const inflight = s.inflight.find((m) => m.msgId === edit.msgId);
      const inbox = inflight ? undefined : s.order.map((a) => s.procs[a]!).find((p) => p.inbox.some((m) => m.msgId === edit.msgId));
      const m = inflight ?? inbox?.inbox.find((x) => x.msgId === edit.msgId);
      if (!m) {
        const sent = v.log.slice(0, s.seq + 1).some((e) => e.type === 'msg.sent' && e.msgId === edit.msgId);
        return fail(sent ? `message ${edit.msgId} was already received ${at}: only a message in flight or in an inbox can be edited` : `there is no message "${String(edit.msgId)}" ${at}`);
      }
      if (text === null || text.trim() === '') return fail(`the new text of message ${m.msgId} must not be empty`);
      if (text === m.text) return fail(`the new text of message ${m.msgId} is the same as the old one`);
      const to = s.procs[m.to];
      return event(m.to, `message ${m.msgId} from ${m.from} to ${m.to}`, m.text, text, { kind: 'message.edited', msgId: m.msgId, where: inflight ? 'inflight' : 'inbox', text, tokens: countTokens(text, to?.encoding) });
    }
    case 'tool-result.edit': {
      const found = returnedOf(v, edit.callId);
      if (found === null) return fail(`there is no tool call "${String(edit.callId)}" ${at}`);
      if (found.type === 'tool.called') return fail(`call ${edit.callId} (${found.tool}) has not returned ${at}: there is no result to edit yet`);
      const p = s.procs[found.agent];
      if (!p) return fail(`the agent of call ${edit.callId}, ${found.agent}, is gone ${at}`);
      if (found.hidden) return fail(`call ${edit.callId}'s result is hidden from its planner (execute-only): there is nothing in its window to edit`);
      const text = textOf(edit);
      if (text === null) return fail(`the new result of call ${edit.callId} must be a string`);
      if (text === found.result) return fail(`the new result of call ${edit.callId} is the same as the old one`);
      // The segments tool.returned pushed (reduceTools.ts): one per retrieved chunk, else one of the tool, at that time.
      const chunks = found.chunks ?? [];
      const segments = chunks.length > 0
        ? p.context.filter((x) => x.kind === 'retrieved' && x.t === found.t && chunks.some((c) => c.text === x.text && c.source === x.source)).map((x) => x.id)
        : p.context.filter((x) => x.kind === 'tool' && x.source === `tool:${found.tool}` && x.t === found.t && x.text === found.result).slice(0, 1).map((x) => x.id);
      const as = found.seq > 0 ? v.stateAt(found.seq - 1).procs[found.agent]?.call?.as : undefined;
      const bind = as !== undefined && p.vars[as] === found.result ? as : null;
      const last = p.last === found.result;
      if (segments.length === 0 && bind === null && !last) return fail(`the result of call ${edit.callId} (${found.tool}, event ${found.seq}) is no longer in ${p.id}'s window nor bound to a variable ${at}: editing it would change nothing`);
      return event(p.id, `result of ${found.tool} call ${found.callId} (event ${found.seq})`, found.result, text, {
        kind: 'tool-result.edited', callId: found.callId, returned: found.seq, segments, bind, last, text, tokens: countTokens(text, p.encoding),
      });
    }
    case 'artifact.edit': {
      const a = s.artifacts[edit.name];
      if (!a) return fail(`there is no artifact "${String(edit.name)}" ${at}`);
      const text = textOf(edit);
      if (text === null) return fail(`the new text of artifact "${edit.name}" must be a string`);
      if (text === a.text) return fail(`the new text of artifact "${edit.name}" is the same as the old one`);
      return event(undefined, `artifact "${edit.name}"`, a.text, text, { kind: 'artifact.edited', name: edit.name, text });
    }
    default:
      return fail(`unknown edit kind "${String((edit as { kind?: unknown }).kind)}" (one of segment.remove, segment.edit, segment.add, core.edit, chunk.edit, message.edit, tool-result.edit, artifact.edit)`);
  }
}
