/**
 * The audit table: one row per operation an agent attempted (a tool call, an artifact write, a
 * message), projected from events alone, so a live run, a seek and a replay give the same table.
 * Each row names the authority that decided it, the state it changed and how to undo that change.
 * The Permissions view feeds an AuditLog events as they arrive; the kernel asks it what a
 * rollback of a row would do (undoFor) and records the answer as `audit.rolledback`.
 */
import type { AgentId } from '../ids';
import type { KernelEvent, Undo } from '../trace/events';

/** One audited operation. */
export interface AuditRow {
  /** The event that completed or decided the operation (the latest of them so far). */
  seq: number;
  /** The tool.called event of a tool call; null for other operations. */
  callSeq: number | null;
  agent: string;
  op: 'tool' | 'artifact' | 'message' | 'memory' | 'core';
  /** What was asked for, e.g. `send_mail {"to":"x"}`. */
  request: string;
  tool: string | null;
  callId: string | null;
  outcome: 'allowed' | 'denied' | 'asked' | 'approved';
  /** Who decided: the rule and its scope, the module, the capability grant, the mode, or a human. */
  authority: { rule: string; scope: string; module?: string; grant?: string; mode?: string; by?: 'human' };
  /** The state it changed, in words ('chunk a3 added to notes'); null when it changed nothing. */
  changed: string | null;
  undo: Undo | null;
  /** seq of the audit.rolledback event that undid it, or null. */
  rolledBack: number | null;
  /** Taint labels on the values that crossed the operation, in or out. */
  taint: string[];
}

/** What the log keeps beside a row: whether it is decided yet, why it has no undo, what it changed. */
interface RowNotes {
  decided: boolean;
  /** Why `undo` is null, or why the undo may no longer be applied. */
  why: string;
  /** What a later operation would have to change for this undo to clobber it (`artifact:…`, `core:…`). */
  subject: string | null;
  blocked: string | null;
}

/** Operations and their undos are written only for these built-in calls' names before they return. */
const BUILTIN_OPS: Readonly<Record<string, AuditRow['op']>> = Object.freeze({
  archival_insert: 'memory',
  core_memory_append: 'core',
  core_memory_replace: 'core',
});

/**
 * The audit table kept incrementally: `apply` each event once, in seq order; `rows()` returns
 * the decided rows in the order the operations began. A changed row is a new object, so a view
 * can compare rows by identity; rows() returns the same array until an event changes something.
 */
export class AuditLog {
  private readonly list: AuditRow[] = [];
  private readonly notes: RowNotes[] = [];
  /** Every event seq that made or updated a row → the row's index. */
  private readonly bySeq = new Map<number, number>();
  private readonly byCall = new Map<string, number>();
  /** Artifacts as reduce.ts keeps them, with rollbacks applied: what a later write overwrites. */
  private readonly artifacts = new Map<string, { text: string; agent: AgentId | null; seq: number | null; taint?: string[] }>();
  /** Each agent's core blocks as edited since its job was published (reduce.ts `core:<label>` segments). */
  private readonly core = new Map<string, Map<string, string>>();
  /** mem.cow seen before the write that caused it returned: `agent\0store`. */
  private readonly cowPending = new Set<string>();
  private cache: readonly AuditRow[] | null = null;

  /** Folds one event into the table; events that concern no operation are ignored. */
  apply(e: KernelEvent): void {
    switch (e.type) {
      case 'tool.called': {
        const i = this.add(e.seq, {
          seq: e.seq, callSeq: e.seq, agent: e.agent, op: BUILTIN_OPS[e.tool] ?? 'tool', request: clip(`${e.tool} ${JSON.stringify(e.args)}`, 200),
          tool: e.tool, callId: e.callId, outcome: 'allowed', authority: { rule: '', scope: '' }, changed: null, undo: null, rolledBack: null, taint: [...(e.taint ?? [])],
        }, { decided: false, why: 'it has not been decided yet', subject: null, blocked: null });
        this.byCall.set(e.callId, i);
        break;
      }
      case 'tool.allowed': {
        const d = e.decision;
        this.updateCall(e.callId, e.seq, (row) => {
          const grant = d.grant === null ? {} : { grant: d.grant };
          // After a human approval the approval stays the authority; the grant is added to it.
          if (row.outcome === 'approved') return { row: { authority: { ...row.authority, ...grant }, taint: merge(row.taint, d.taint) } };
          const authority = { rule: d.rule ?? d.module, scope: d.scope ?? '', module: d.module, ...grant, mode: d.mode };
          return { row: { outcome: 'allowed', authority, taint: merge(row.taint, d.taint) }, why: 'it has not returned yet' };
        });
        break;
      }
      case 'tool.denied': {
        const d = e.decision;
        this.updateCall(e.callId, e.seq, (row) => ({
          row: {
            outcome: 'denied',
            authority: { rule: d.rule ?? d.module, scope: d.scope ?? '', module: d.module, mode: d.mode, ...(d.module === 'human' ? { by: 'human' as const } : {}) },
            taint: merge(row.taint, d.taint),
          },
          why: `it was denied (${d.reason}), so it changed nothing`,
        }));
        break;
      }
      case 'region.denied':
        // A store write or search by a system call refused by its region: the call's row ends denied, by the region.
        if (e.callId === undefined) break;
        this.updateCall(e.callId, e.seq, () => ({
          row: { outcome: 'denied', authority: { rule: `region ${e.region}`, scope: '', module: 'region' } },
          why: `it was refused by region ${e.region} (${e.agent} holds "${e.permission}" there), so it changed nothing`,
        }));
        break;
      case 'tool.asked': {
        const d = e.decision;
        this.updateCall(e.callId, e.seq, (row) => ({
          row: { outcome: 'asked', authority: { rule: d.rule ?? d.module, scope: d.scope ?? '', module: d.module, mode: d.mode }, taint: merge(row.taint, d.taint) },
          why: 'it waits for a human and has not run',
        }));
        break;
      }
      case 'tool.approved': {
        const d = e.decision;
        this.updateCall(e.callId, e.seq, (row) => ({
          row: { outcome: 'approved', authority: { ...row.authority, ...(d.rule === null ? {} : { rule: d.rule, scope: 'session' }), by: 'human' } },
          why: 'it has not returned yet',
        }));
        break;
      }
      case 'tool.returned':
        this.updateCall(e.callId, e.seq, (row) => {
          const taint = merge(row.taint, e.taint);
          // As in reduce.ts, a stored chunk or a core edit counts whatever `ok` says.
          if (e.stored) {
            const cow = this.cowPending.delete(`${e.agent}\u0000${e.stored.store}`);
            const where = e.stored.tier === 'session' ? `${e.agent}'s private copy of ${e.stored.store}` : e.stored.store;
            return { row: { op: 'memory', taint, changed: `chunk ${e.stored.id} added to ${where}${cow ? COW_NOTE : ''}`, undo: { kind: 'delete-chunk', store: e.stored.store, id: e.stored.id } } };
          }
          if (e.core) {
            const edit = this.coreEdit(e.agent, e.seq, e.core);
            return { ...edit, row: { op: 'core', taint, ...edit.row } };
          }
          if (!e.ok) return { row: { taint }, why: `the call failed (${quote(e.result)}), so it changed nothing` };
          return { row: { taint }, why: `${e.tool} changed no state the kernel keeps` };
        });
        if (e.core) this.setCore(e.agent, e.core.label, nextCore(this.core.get(e.agent)?.get(e.core.label), e.core));
        break;
      case 'artifact.written': {
        const prev = this.artifacts.get(e.name);
        this.add(e.seq, {
          seq: e.seq, callSeq: null, agent: e.agent, op: 'artifact', request: `write ${e.name} ${quote(e.text)}`, tool: null, callId: null,
          outcome: 'allowed', authority: KERNEL, changed: prev ? `artifact ${e.name} written (was: ${quote(prev.text)})` : `artifact ${e.name} created`,
          undo: { kind: 'restore-artifact', name: e.name, text: prev?.text ?? null, agent: prev?.agent ?? null, seq: prev?.seq ?? null, ...(prev?.taint && prev.taint.length > 0 ? { taint: prev.taint } : {}) },
          rolledBack: null, taint: [...(e.taint ?? [])],
        }, { decided: true, why: '', subject: `artifact ${e.name}`, blocked: null });
        this.artifacts.set(e.name, { text: e.text, agent: e.agent, seq: e.seq, ...(e.taint && e.taint.length > 0 ? { taint: e.taint } : {}) });
        break;
      }
      case 'msg.sent':
        this.add(e.seq, {
          seq: e.seq, callSeq: null, agent: e.agent, op: 'message', request: `send to ${e.to} ${quote(e.text)}`, tool: null, callId: null,
          outcome: 'allowed', authority: { rule: `channel:${e.channel}`, scope: 'kernel' }, changed: `message ${e.msgId} to ${e.to} (sent: a message cannot be unsent)`,
          undo: null, rolledBack: null, taint: [...(e.taint ?? [])],
        }, { decided: true, why: 'a message cannot be unsent', subject: null, blocked: null });
        break;
      case 'msg.denied':
        this.add(e.seq, {
          seq: e.seq, callSeq: null, agent: e.agent, op: 'message', request: `send to ${e.to}`, tool: null, callId: null, outcome: 'denied',
          authority: { rule: e.decision.rule ?? 'kernel', scope: e.decision.scope ?? 'kernel', module: e.decision.module },
          changed: null, undo: null, rolledBack: null, taint: [...e.decision.taint],
        }, { decided: true, why: `it was denied (${e.decision.reason}), so it changed nothing`, subject: null, blocked: null });
        break;
      case 'mem.cow': {
        // Emitted just before the first write's result, or after it with `cause` naming it.
        const i = e.cause === undefined ? undefined : this.bySeq.get(e.cause);
        const row = i === undefined ? undefined : this.list[i];
        if (i !== undefined && row?.undo?.kind === 'delete-chunk' && row.undo.store === e.store) this.patch(i, { changed: `${row.changed}${COW_NOTE}` });
        else this.cowPending.add(`${e.agent}\u0000${e.store}`);
        break;
      }
      case 'job.published': {
        // A (re)published job starts without core edits: earlier ones no longer describe its state.
        this.core.delete(e.agent);
        this.list.forEach((row, i) => {
          if (row.agent === e.agent && row.op === 'core' && row.rolledBack === null && row.undo) {
            this.notes[i]!.blocked = `${e.agent} was started again at #${e.seq}, with its core memory from the document`;
          }
        });
        break;
      }
      case 'cap.promoted':
        this.updateCall(e.callId, e.seq, () => ({
          row: { changed: `handle ${e.handle.id} on ${e.handle.target} made durable from job-scoped ${e.from} (approved at #${e.approval}; holders ${(e.handle.refs ?? []).join(', ')})` },
          why: 'a durable grant is ended by its last holder, not undone',
        }));
        break;
      case 'audit.rolledback': {
        const i = this.bySeq.get(e.target);
        if (i !== undefined) this.patch(i, { rolledBack: e.seq });
        this.applyUndo(e.undo);
        break;
      }
      default:
        break;
    }
  }

  /** The decided rows, in the order their operations began. */
  rows(): readonly AuditRow[] {
    this.cache ??= this.list.filter((_, i) => this.notes[i]!.decided);
    return this.cache;
  }

  /** The decided row that event `seq` made or updated (its call, decision, return or write), if any. */
  row(seq: number): AuditRow | undefined {
    const i = this.bySeq.get(seq);
    return i === undefined || !this.notes[i]!.decided ? undefined : this.list[i];
  }

  /**
   * What rolling back the operation at `seq` would do, or why it cannot be: nothing was changed,
   * it is already rolled back, or a later operation changed the same artifact or core block (roll
   * that one back first, so an undo never clobbers newer state).
   */
  undo(seq: number): { ok: true; undo: Undo; detail: string } | { ok: false; error: string } {
    const i = this.bySeq.get(seq);
    if (i === undefined) return { ok: false, error: `no audited operation at #${seq}` };
    const row = this.list[i]!;
    const notes = this.notes[i]!;
    if (row.rolledBack !== null) return { ok: false, error: `#${row.seq} was already rolled back at #${row.rolledBack}` };
    if (!row.undo) return { ok: false, error: `nothing to undo at #${row.seq}: ${notes.why}` };
    if (notes.blocked !== null) return { ok: false, error: `#${row.seq} can no longer be undone: ${notes.blocked}` };
    for (let j = i + 1; j < this.list.length; j++) {
      const later = this.list[j]!;
      if (notes.subject !== null && this.notes[j]!.subject === notes.subject && later.rolledBack === null) {
        return { ok: false, error: `${notes.subject} was changed again at #${later.seq}; roll that back first` };
      }
    }
    return { ok: true, undo: row.undo, detail: undoDetail(row.undo, row.seq) };
  }

  private add(seq: number, row: AuditRow, notes: RowNotes): number {
    const i = this.list.length;
    this.list.push(row);
    this.notes.push(notes);
    this.bySeq.set(seq, i);
    if (notes.decided) this.cache = null;
    return i;
  }

  private patch(i: number, patch: Partial<AuditRow>): void {
    this.list[i] = { ...this.list[i]!, ...patch };
    this.cache = null;
  }

  /** Updates a call's row from a later event of the same call: the event becomes the row's seq. */
  private updateCall(callId: string, seq: number, f: (row: AuditRow) => { row: Partial<AuditRow>; why?: string; subject?: string }): void {
    const i = this.byCall.get(callId);
    if (i === undefined) return;
    const u = f(this.list[i]!);
    this.patch(i, { ...u.row, seq });
    const notes = this.notes[i]!;
    notes.decided = true;
    if (u.why !== undefined) notes.why = u.why;
    if (u.subject !== undefined) notes.subject = u.subject;
    this.bySeq.set(seq, i);
  }

  /** A core edit's row fields: its undo restores the block's previous value when the trace holds it. */
  private coreEdit(agent: AgentId, seq: number, core: CoreChange): { row: Partial<AuditRow>; why?: string; subject: string } {
    const prev = this.core.get(agent)?.get(core.label);
    const verb = core.mode === 'append' ? `appended ${quote(core.text)} to` : 'replaced';
    const subject = `core "${core.label}" of ${agent}`;
    if (prev === undefined) {
      return {
        row: { changed: `${subject} ${verb} (first edit; the value before it is the document's, not in the trace)`, undo: null },
        why: `the block's value before this first edit (#${seq}) is not recorded in the trace, only inside the system prompt`,
        subject,
      };
    }
    return { row: { changed: `${subject} ${verb} (was: ${quote(prev)})`, undo: { kind: 'restore-core', agent, label: core.label, text: prev } }, subject };
  }

  private setCore(agent: string, label: string, text: string): void {
    let blocks = this.core.get(agent);
    if (!blocks) this.core.set(agent, (blocks = new Map()));
    blocks.set(label, text);
  }

  /** Keeps the tracked artifacts and core blocks as they are once an undo has been applied. */
  private applyUndo(undo: Undo): void {
    switch (undo.kind) {
      case 'restore-artifact':
        if (undo.text === null) this.artifacts.delete(undo.name);
        else this.artifacts.set(undo.name, { text: undo.text, agent: undo.agent, seq: undo.seq, ...(undo.taint ? { taint: undo.taint } : {}) });
        break;
      case 'restore-core':
        this.setCore(undo.agent, undo.label, undo.text);
        break;
      case 'delete-chunk':
        break;
    }
  }
}

type CoreChange = { label: string; text: string; mode: 'append' | 'replace' };

const KERNEL: AuditRow['authority'] = Object.freeze({ rule: 'kernel', scope: 'kernel' });
const COW_NOTE = ' (its first write there: copied on write, the shared store is unchanged)';

/** A core block after an edit, as reduce.ts computes it: append adds a line to an edited block, else the text stands alone. */
function nextCore(prev: string | undefined, core: CoreChange): string {
  return core.mode === 'append' && prev !== undefined ? `${prev}\n${core.text}` : core.text;
}

/** The audit table of a whole event list (see AuditLog). */
export function auditRows(events: readonly KernelEvent[]): AuditRow[] {
  const log = new AuditLog();
  for (const e of events) log.apply(e);
  return [...log.rows()];
}

/** What rolling back the operation at `seq` would do, or why it cannot be (see AuditLog.undo). */
export function undoFor(events: readonly KernelEvent[], seq: number): { ok: true; undo: Undo; detail: string } | { ok: false; error: string } {
  const log = new AuditLog();
  for (const e of events) log.apply(e);
  return log.undo(seq);
}

function undoDetail(undo: Undo, seq: number): string {
  switch (undo.kind) {
    case 'delete-chunk':
      return `delete chunk ${undo.id} from ${undo.store}`;
    case 'restore-artifact':
      return undo.text === null
        ? `delete artifact ${undo.name} (it did not exist before #${seq})`
        : `restore artifact ${undo.name} to the text ${undo.agent ?? 'an agent'} wrote${undo.seq === null ? '' : ` at #${undo.seq}`}`;
    case 'restore-core':
      return `restore core "${undo.label}" of ${undo.agent} to its value before #${seq}`;
  }
}

function merge(a: readonly string[], b: readonly string[] | undefined): string[] {
  if (!b || b.length === 0) return a as string[];
  return [...new Set([...a, ...b])];
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function quote(text: string): string {
  return JSON.stringify(clip(text, 60));
}
