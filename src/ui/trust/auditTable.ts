/**
 * The audit table as the Permissions view shows it: the kernel's AuditLog read twice over a
 * trace, once at the head (what a rollback acts on now) and once at the scrubber (what the table
 * looked like then). Both are cached per events array; the head log only ever moves forward,
 * the cursor log moves forward event by event and is rebuilt only when the scrubber goes back.
 */
import { AuditLog, type AuditRow, type KernelEvent } from '../../kernel';

/** An AuditLog that has read events 0..at. */
class ReadLog {
  log = new AuditLog();
  at = -1;

  /** Reads up to `seq` (clamped to the events held); going back starts over from the first event. */
  moveTo(events: readonly KernelEvent[], seq: number): AuditLog {
    const to = Math.min(seq, events.length - 1);
    if (to < this.at) {
      this.log = new AuditLog();
      this.at = -1;
    }
    // A windowed run holds only some events (store/runSliceWindow.ts): the rest are holes.
    for (let i = this.at + 1; i <= to; i++) {
      const e = events[i];
      if (e) this.log.apply(e);
    }
    if (to > this.at) this.at = to;
    return this.log;
  }
}

const heads = new WeakMap<readonly KernelEvent[], ReadLog>();
const cursors = new WeakMap<readonly KernelEvent[], ReadLog>();

function readLog(cache: WeakMap<readonly KernelEvent[], ReadLog>, events: readonly KernelEvent[]): ReadLog {
  let r = cache.get(events);
  if (!r) cache.set(events, (r = new ReadLog()));
  return r;
}

/** The audit log of a trace at its head (never read backwards: an earlier `head` reads nothing). */
export function auditAtHead(events: readonly KernelEvent[], head: number): AuditLog {
  const r = readLog(heads, events);
  return r.moveTo(events, Math.max(head, r.at));
}

/** The audit rows as they stood after event `cursor`, in the order their operations began. */
export function auditRowsAt(events: readonly KernelEvent[], cursor: number): readonly AuditRow[] {
  return readLog(cursors, events).moveTo(events, cursor).rows();
}

/** "by r-web (project, rules) · grant h1 · mode auto" or "by a human (session)"; the mode only when it is not the rule. */
export function auditAuthorityText(a: AuditRow['authority']): string {
  const where = [...new Set([a.scope, a.module])].filter((x) => x !== undefined && x !== '').join(', ');
  const who = a.by === 'human' ? (a.rule ? `a human, ${a.rule}` : 'a human') : a.rule || '?';
  const mode = a.mode && a.rule !== `mode:${a.mode}` ? `mode ${a.mode}` : '';
  return [`by ${who}${where ? ` (${where})` : ''}`, a.grant && `grant ${a.grant}`, mode].filter(Boolean).join(' · ');
}

/** What the undo cell says of a row at the cursor, given the same operation at the head. */
export type UndoState =
  | { kind: 'rolled-back'; at: number }
  /** Rolled back after the cursor (in the scrubber's future). */
  | { kind: 'rolled-back-later'; at: number }
  | { kind: 'can-roll-back'; seq: number }
  | { kind: 'none' };

export function undoState(row: AuditRow, cursor: number, atHead: AuditRow | undefined): UndoState {
  if (row.rolledBack !== null && row.rolledBack <= cursor) return { kind: 'rolled-back', at: row.rolledBack };
  const now = atHead ?? row;
  if (now.rolledBack !== null) return { kind: 'rolled-back-later', at: now.rolledBack };
  return now.undo ? { kind: 'can-roll-back', seq: now.seq } : { kind: 'none' };
}
