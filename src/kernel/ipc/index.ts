/** ipc/: A2A-shaped messaging: parts, messages, tasks and their state machine, JSON-RPC envelopes, Agent Cards, fact retention. */
export * from './a2a';
export * from './taskState';
export * from './jsonRpc';
export * from './parseEnvelope';
export * from './agentCard';
export * from './retention';
export { canonicalJson } from './canonicalJson';
export * from './remoteAgent';
export { A2aNotRecordedError, RecordedA2a, recordedA2a } from './remoteAgentRecorded';
