/**
 * A person's edit of a run's state before it continues (issue 16, "Edit state, then fork"):
 * what they ask for (`StateEdit`, a HumanInput of kind `edit`) and what the kernel records once
 * it resolved and checked it (`EditApplied`, carried by the `human.edited` event). The record
 * names everything the reducer changes (segment ids, the variable a result was bound to), so
 * applying it needs no search and a replay applies exactly the same change.
 */

/** A change a person asks for, at the cursor, before the run goes on. */
export type StateEdit =
  /** Take a segment out of an agent's window (it does not go to recall: the person removed it). */
  | { kind: 'segment.remove'; agent: string; segment: string }
  /** Replace the text of a segment of an agent's window. */
  | { kind: 'segment.edit'; agent: string; segment: string; text: string }
  /** Add a segment at the end of an agent's window (`fact`: never evicted, kept by compaction). */
  | { kind: 'segment.add'; agent: string; text: string; role?: 'user' | 'system' | 'assistant' | 'tool'; fact?: boolean }
  /** Replace an agent's core-memory block. */
  | { kind: 'core.edit'; agent: string; label: string; text: string }
  /** Replace an archival chunk's text (a store's document, or a note an agent filed). */
  | { kind: 'chunk.edit'; store: string; id: string; text: string }
  /** Replace the text of a message not yet received (in flight, or delivered to an inbox). */
  | { kind: 'message.edit'; msgId: string; text: string }
  /** Replace what a tool call returned: its segment in the window and the variable it was bound to. */
  | { kind: 'tool-result.edit'; callId: string; text: string }
  /** Replace an artifact's text. */
  | { kind: 'artifact.edit'; name: string; text: string };

/** The kinds of state edit, in the order the studio lists them. */
export const STATE_EDIT_KINDS: readonly StateEdit['kind'][] = Object.freeze([
  'segment.remove', 'segment.edit', 'segment.add', 'core.edit', 'chunk.edit', 'message.edit', 'tool-result.edit', 'artifact.edit',
]);

/** An edit as the kernel resolved it against the state (what `human.edited` carries and the reducer applies). */
export type EditApplied =
  | { kind: 'segment.removed'; segment: string }
  | { kind: 'segment.edited'; segment: string; text: string; tokens: number }
  | { kind: 'segment.added'; segment: string; role: 'user' | 'system' | 'assistant' | 'tool'; fact: boolean; text: string; tokens: number }
  /** `segment`: the block's own segment, or the system segment holding a declared block (`text` is then the whole system text). */
  | { kind: 'core.edited'; label: string; segment: string; text: string; tokens: number }
  /** `agents`: the private copy-on-write copies of a session-tier store that hold the chunk too. */
  | { kind: 'chunk.edited'; store: string; id: string; agents: string[]; shared: boolean; text: string }
  | { kind: 'message.edited'; msgId: string; where: 'inflight' | 'inbox'; text: string; tokens: number }
  /**
   * `segments`: the window segments the result brought in, still there (one, or one per retrieved
   * chunk): the first takes the new text, the others leave; `bind`: the variable still holding
   * the result; `last`: it is still the agent's last result.
   */
  | { kind: 'tool-result.edited'; callId: string; returned: number; segments: string[]; bind: string | null; last: boolean; text: string; tokens: number }
  | { kind: 'artifact.edited'; name: string; text: string }
  /**
   * A person changed the document at `path` before a fork (a prompt, a rule): the fork's run
   * already runs on the edited document, so the state does not change; the record says what
   * changed (loop/documentChanges.ts) for the trace, the diff and provenance.
   */
  | { kind: 'document.edited'; path: string };
