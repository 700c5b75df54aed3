/**
 * Remote agents in the document: which ids are remote, and how a send to one reads as a taint
 * sink (its text leaves the machine). The kernel's side of the messages is ipc/remoteAgent.ts.
 */
import type { RemoteAgentSpec } from './schema';

/** The remote agent with this id in the document, or undefined (a local agent, or the person). */
export function remoteAgentOf(spec: { remoteAgents?: readonly RemoteAgentSpec[] | undefined }, id: string): RemoteAgentSpec | undefined {
  return spec.remoteAgents?.find((r) => r.id === id);
}

/** Why a send to a remote agent is a taint sink, as the tail of "sending to X …": its text leaves the machine. */
export function remoteSink(remote: RemoteAgentSpec): string {
  const host = /^https?:\/\/([^/?#]+)/.exec(remote.url)?.[1] ?? remote.url;
  return `leaves the machine (remote agent at ${host})`;
}
