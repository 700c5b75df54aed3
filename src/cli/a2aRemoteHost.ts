/**
 * The CLI's client for remote agents: the A2A SDK client over JSON-RPC. An auth header's value
 * comes from the environment variable the document names (`auth.env`), never from the document.
 */
import type { RemoteAgentSpec } from '../kernel';
import { A2aRemoteHub } from '../providers/a2aRemoteClient';
import type { Env } from './endpoints';

/** Why a declared remote agent cannot be used from the CLI (its auth variable is unset), one line each; empty: fine. */
export function remoteSetupProblems(remotes: readonly RemoteAgentSpec[], env: Env): string[] {
  return remotes
    .filter((r) => r.auth !== undefined && !env[r.auth.env])
    .map((r) => `remoteAgents "${r.id}": its auth header comes from the environment variable ${r.auth!.env}, which is not set`);
}

/** The hub a CLI run sends its messages to remote agents through. */
export function cliRemoteHub(env: Env): A2aRemoteHub {
  return new A2aRemoteHub(async (remote) => {
    const value = remote.auth ? env[remote.auth.env] : undefined;
    return remote.auth && value ? { [remote.auth.header]: value } : {};
  });
}
