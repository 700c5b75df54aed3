/** Pending edits in words (the store of pending edits is src/store/pendingEdits.ts). */
import type { StateEdit } from '../../kernel';
export { editsAt, usePendingEdits } from '../../store';

/** A pending edit in words, for the list above Apply. */
export function describeEdit(e: StateEdit): string {
  switch (e.kind) {
    case 'segment.remove':
      return `remove ${e.agent}'s segment ${e.segment}`;
    case 'segment.edit':
      return `edit ${e.agent}'s segment ${e.segment}`;
    case 'segment.add':
      return `add a ${e.fact ? 'fact' : (e.role ?? 'user')} segment to ${e.agent}'s window`;
    case 'core.edit':
      return `edit ${e.agent}'s core block "${e.label}"`;
    case 'chunk.edit':
      return `edit chunk ${e.id} of ${e.store}`;
    case 'message.edit':
      return `edit message ${e.msgId}`;
    case 'tool-result.edit':
      return `edit the result of call ${e.callId}`;
    case 'artifact.edit':
      return `edit artifact "${e.name}"`;
  }
}
