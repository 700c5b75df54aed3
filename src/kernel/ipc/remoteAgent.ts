/**
 * Remote agents: A2A agents outside the harness, reached over HTTP by the host. The kernel stays
 * pure: a message to a remote agent passes the IPC gate like any other (channel, taint — leaving
 * the machine is a sink — and the rules), travels as `msg.sent`, and when it arrives the host's
 * `A2aPort` (the studio's worker, the CLI) sends it with A2A `message/send`. The answer is
 * recorded on `remote.replied` and lands in the sender's inbox as a message from the remote
 * agent, so a replay, seek or fork never calls the remote again (remoteAgentRecorded.ts).
 */
import type { RemoteAgentSpec } from '../spec';
import type { TaskState } from './taskState';

/** One message the host sends to a remote agent. */
export interface A2aSendRequest {
  remote: RemoteAgentSpec;
  /** The local agent that sent it. */
  agent: string;
  /** The message's id in the trace (its answer is recorded and looked up by it). */
  msgId: string;
  text: string;
  facts: readonly string[];
  /** The remote task this message continues (an earlier answer asked for input), if any. */
  taskId?: string;
  /** The remote conversation this message belongs to (an earlier answer's context), if any. */
  contextId?: string;
}

/** What the remote agent answered, as the trace records it. */
export interface A2aSendResult {
  /** False when the remote could not be reached or answered with an error. */
  ok: boolean;
  /** The task's state after the call (a plain message answer counts as completed). */
  state: TaskState;
  /** The answer's text (text parts joined; other parts described), or why the call failed. */
  text: string;
  /** The remote's task and context ids, to continue the conversation. */
  taskId?: string;
  contextId?: string;
}

/** The host side of remote agents: sends one message over A2A and answers what came back. */
export interface A2aPort {
  send(req: A2aSendRequest): Promise<A2aSendResult>;
}

/** The answer of a host with no A2A client (a pure test, a replay with the network off). */
export function noA2aClient(remote: RemoteAgentSpec): A2aSendResult {
  return { ok: false, state: 'TASK_STATE_FAILED', text: `remote agent "${remote.id}": this host has no A2A client, so the message was not sent` };
}
