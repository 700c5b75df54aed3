/**
 * Provenance of a change an agent made: who (agent and the digest of its signed prompt), with
 * what model, by which authority, from which inputs, and whether a person reviewed it. Derived
 * from the trace alone (provenanceLog.ts); the document adds what the trace does not repeat
 * (describe.ts). Plain JSON.
 */

/** What kind of state a change touched. */
export type ChangeKind = 'artifact' | 'memory' | 'core' | 'message' | 'tool';

/** Where a change stands: as made, kept by a person (`change.reviewed`), or undone (`audit.rolledback`). */
export type ReviewStatus = 'unreviewed' | 'approved' | 'rolled-back';

/** The review statuses, in the order the studio lists them. */
export const REVIEW_STATUSES: readonly ReviewStatus[] = Object.freeze(['unreviewed', 'approved', 'rolled-back']);

/** One source of what was in the agent's window when it decided: its segments of that source, merged. */
export interface SourceRef {
  /** The segment source (`system`, `tool:c3`, `msg:m4`, `archive:kb#0`, `core:persona`, …). */
  source: string;
  trust: 'trusted' | 'untrusted';
  /** Tokens of the window this source held. */
  tokens: number;
  /** Source labels (taint) its segments carried. */
  taint: string[];
}

/** The authority a change was made under. */
export interface ChangeAuthority {
  /** The rule that allowed it (`mode:ask`, `session-1`, `capability:…`, `kernel`, `channel:…`). */
  rule: string;
  /** The scope of that rule (`org`, `project`, `user`, `session`, `mode`, `kernel`). */
  scope: string;
  /** The policy module that decided (`rules`, `mode`, `capability`, `human`, `kernel`, `channel`). */
  module: string;
  /** The permission mode the run was in, where a decision recorded one. */
  mode: string | null;
  /** The capability handle used (`h2`), or null. */
  handle: string | null;
  /**
   * A person's approval behind it: the `tool.approved` event of this call, or of the call whose
   * approval remembered the session rule (`remembered`) that allowed this one. Null: no person.
   */
  approvedBy: { seq: number; remembered: string | null } | null;
}

/** One change, as the trace tells it. */
export interface ChangeRecord {
  /** The event that made the change (artifact.written, msg.sent, tool.returned). */
  seq: number;
  kind: ChangeKind;
  agent: string;
  /** What changed, in words: `artifact report.md`, `chunk notes#3 in notes`, `core "persona" of alice`, `message m4 to bob`, `fs_write`. */
  subject: string;
  /** The tool of a call (built-in or declared), else null. */
  tool: string | null;
  /** The call's arguments (a tool change), else null. */
  args: Record<string, unknown> | null;
  /** The tool.called event of a call, else null. */
  callSeq: number | null;
  /** What the change wrote (artifact text, chunk text, core text, message text); null for a tool's other effects. */
  content: string | null;
  /** The digest of the agent's prompt checked by the last `trust.signature` before it, and whether it matched its signature; null when the run checked none. */
  prompt: { digest: string; signed: boolean } | null;
  /**
   * The model turn that decided it (the agent's last infer.completed before the change): its
   * model id, the provider (`sim` for the sim), the model version the provider reported (the sim
   * reports SIM_VERSION), the turn's seq. Null when the agent had no turn yet.
   */
  model: { id: string; provider: string; reported: string | null; turn: number } | null;
  authority: ChangeAuthority;
  inputs: {
    /** Source labels (taint) on what crossed into the change. */
    taint: string[];
    /** What the window held when the model read it for the deciding turn; null when the log had no state to read. */
    sources: SourceRef[] | null;
  };
  /** Its status at the head, and the event that set it. */
  review: { status: ReviewStatus; seq: number | null };
  /** Every status change after the change, in seq order (for the status at an earlier cursor). */
  reviews: readonly { seq: number; status: ReviewStatus }[];
}

/** The version the sim CPU reports for itself (real providers report theirs in each response). */
export const SIM_VERSION = 'harness-sim/1';
