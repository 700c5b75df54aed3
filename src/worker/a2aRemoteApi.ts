/**
 * The studio's remote-agent contract between the page and the worker: reading a remote agent's
 * Agent Card (from the worker, with its stored auth header, if any); an auth header is stored in
 * this browser's settings and read only inside the worker.
 */
import type { RemoteCardSummary } from '../providers/a2aRemoteClient';

export type { RemoteCardSummary, RemoteSkill } from '../providers/a2aRemoteClient';

/** What reading a card found: the agent's name, skills and modes, or why it could not be used (CORS, unreachable, auth, not a card). */
export type RemoteCardResult =
  | ({ ok: true; auth: boolean } & RemoteCardSummary)
  | { ok: false; url: string; kind: string; error: string; auth: boolean };

/** The settings key of the auth header kept for the remote agent whose card is at `url` (never in a document or an export). */
export const remoteAuthKey = (url: string): string => `a2aAuth/${url}`;

/** What the studio's worker does for remote agents (part of StudioApi). */
export interface RemoteAgentStudioApi {
  /** Fetches and reads the Agent Card at `url` from the worker. */
  remoteAgentCard(url: string): Promise<RemoteCardResult>;
  /** Stores the auth header sent to the remote agent whose card is at `url` (value null: forget it). The value never comes back to the page. */
  setRemoteAuth(url: string, header: string, value: string | null): Promise<void>;
}
