/**
 * Which events are changes an agent made, and what each changed: an artifact write, a message
 * sent, and a tool call that returned (an archival insert, a core-memory edit, or another tool's
 * effect). A call that failed without storing anything, was denied or never returned changed
 * nothing; a message from the person at the studio is not an agent's change.
 */
import { HUMAN } from '../spec/schema';
import type { KernelEvent } from '../trace/events';
import type { ChangeKind } from './types';

/** What event `e` changed, or null when it is not a change. */
export function changeOf(e: KernelEvent): { kind: ChangeKind; subject: string; content: string | null } | null {
  switch (e.type) {
    case 'artifact.written':
      return { kind: 'artifact', subject: `artifact ${e.name}`, content: e.text };
    case 'msg.sent':
      return e.from === HUMAN ? null : { kind: 'message', subject: `message ${e.msgId} to ${e.to}`, content: e.text };
    case 'tool.returned':
      // As in reduce.ts and the audit table, a stored chunk or a core edit counts whatever `ok` says.
      if (e.stored) return { kind: 'memory', subject: `chunk ${e.stored.id} in ${e.stored.store}`, content: e.stored.text };
      if (e.core) return { kind: 'core', subject: `core "${e.core.label}" of ${e.agent}`, content: e.core.text };
      return e.ok ? { kind: 'tool', subject: e.tool, content: null } : null;
    default:
      return null;
  }
}
