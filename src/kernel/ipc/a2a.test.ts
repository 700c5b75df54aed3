import { describe, expect, it } from 'vitest';
import type {
  Artifact as SdkArtifact,
  CancelTaskRequest as SdkCancelTaskRequest,
  GetTaskRequest as SdkGetTaskRequest,
  ListTasksRequest as SdkListTasksRequest,
  ListTasksResponse as SdkListTasksResponse,
  Message as SdkMessage,
  Part as SdkPart,
  SendMessageConfiguration as SdkSendMessageConfiguration,
  SendMessageRequest as SdkSendMessageRequest,
  SendMessageResponse as SdkSendMessageResponse,
  StreamResponse as SdkStreamResponse,
  SubscribeToTaskRequest as SdkSubscribeToTaskRequest,
  Task as SdkTask,
  TaskArtifactUpdateEvent as SdkTaskArtifactUpdateEvent,
  TaskStatus as SdkTaskStatus,
  TaskStatusUpdateEvent as SdkTaskStatusUpdateEvent,
} from '@a2a-js/sdk';
import type { A2A_ERROR_CODE, fromJsonRpcErrorResponse } from '@a2a-js/sdk/errors';
import {
  artifact,
  dataPart,
  factsOf,
  fileBytes,
  fileRef,
  message,
  newTask,
  partKind,
  partTag,
  textPart,
  virtualTimestamp,
  type Artifact,
  type Message,
  type Part,
  type Role,
  type Task,
  type TaskArtifactUpdateEvent,
  type TaskStatus,
  type TaskStatusUpdateEvent,
} from './a2a';
import { canonicalJson } from './canonicalJson';
import {
  A2A_ERRORS,
  A2A_METHODS,
  A2A_UNSERVED_METHODS,
  rpcError,
  rpcRequest,
  rpcResult,
  type A2AErrorCode,
  type CancelTaskParams,
  type GetTaskParams,
  type ListTasksParams,
  type ListTasksResult,
  type RpcFailure,
  type RpcId,
  type SendMessageConfiguration,
  type SendMessageParams,
  type SendMessageResult,
  type StreamResponse,
  type SubscribeToTaskParams,
} from './jsonRpc';
import type { TaskState } from './taskState';
import type { Equal, Expect, Extends, SdkRoleName, SdkTaskStateName, Wire } from './sdkWire.test';

/** No field of A that B does not declare (catches misspelt or invented fields). */
type NoExtraKeys<A, B> = Equal<Exclude<keyof A, keyof B>, never>;

/** The SDK fields the kernel's types deliberately leave out. */
type Omitted<A, B> = Exclude<keyof B, keyof A>;

type SdkJsonRpcFailure = Parameters<typeof fromJsonRpcErrorResponse>[0];
type SdkErrorCode = (typeof A2A_ERROR_CODE)[keyof typeof A2A_ERROR_CODE];

/** Compile-time conformance: tsc fails here if a kernel type drifts from the SDK's wire form. */
export type Conformance = [
  Expect<Equal<TaskState, Exclude<SdkTaskStateName, 'TASK_STATE_UNSPECIFIED'>>>,
  Expect<Equal<Role, Exclude<SdkRoleName, 'ROLE_UNSPECIFIED'>>>,
  Expect<Extends<Part, Wire<SdkPart>>>,
  Expect<NoExtraKeys<Part, SdkPart & { text: 1; data: 1; url: 1; raw: 1 }>>,
  Expect<Extends<Message, Wire<SdkMessage>>>,
  Expect<NoExtraKeys<Message, SdkMessage>>,
  Expect<Equal<Omitted<Message, SdkMessage>, never>>,
  Expect<Extends<TaskStatus, Wire<SdkTaskStatus>>>,
  Expect<NoExtraKeys<TaskStatus, SdkTaskStatus>>,
  Expect<Extends<Artifact, Wire<SdkArtifact>>>,
  Expect<Equal<Omitted<Artifact, SdkArtifact>, never>>,
  Expect<Extends<Task, Wire<SdkTask>>>,
  Expect<Equal<Omitted<Task, SdkTask>, never>>,
  Expect<Extends<TaskStatusUpdateEvent, Wire<SdkTaskStatusUpdateEvent>>>,
  Expect<Extends<TaskArtifactUpdateEvent, Wire<SdkTaskArtifactUpdateEvent>>>,
  Expect<Equal<Omitted<TaskArtifactUpdateEvent, SdkTaskArtifactUpdateEvent>, never>>,
  Expect<Extends<SendMessageParams, Wire<SdkSendMessageRequest>>>,
  Expect<Equal<Omitted<SendMessageParams, SdkSendMessageRequest>, never>>,
  Expect<Extends<SendMessageConfiguration, Wire<SdkSendMessageConfiguration>>>,
  // Push notifications are not served: the one SDK field left out on purpose.
  Expect<Equal<Omitted<SendMessageConfiguration, SdkSendMessageConfiguration>, 'taskPushNotificationConfig'>>,
  Expect<Extends<GetTaskParams, Wire<SdkGetTaskRequest>>>,
  Expect<Equal<Omitted<GetTaskParams, SdkGetTaskRequest>, never>>,
  Expect<Extends<ListTasksParams, Wire<SdkListTasksRequest>>>,
  Expect<Equal<Omitted<ListTasksParams, SdkListTasksRequest>, never>>,
  Expect<Extends<CancelTaskParams, Wire<SdkCancelTaskRequest>>>,
  Expect<Extends<SubscribeToTaskParams, Wire<SdkSubscribeToTaskRequest>>>,
  Expect<Extends<SendMessageResult, Wire<SdkSendMessageResponse>>>,
  Expect<Extends<StreamResponse, Wire<SdkStreamResponse>>>,
  Expect<Extends<ListTasksResult, Wire<SdkListTasksResponse>>>,
  Expect<Equal<A2AErrorCode, SdkErrorCode>>,
  Expect<Extends<RpcFailure, SdkJsonRpcFailure>>,
];

const budget = textPart('Budget: $4,000.', { tag: 'fact' });
const order = dataPart({ vendor: 'acme', po: 1234 }, { tag: 'fact', mediaType: 'application/json' });
const quote = fileRef('https://files.harness.local/quote.pdf', { filename: 'quote.pdf', mediaType: 'application/pdf' });
const note = fileBytes('aGVsbG8=', { filename: 'hello.txt', mediaType: 'text/plain', tag: 'context' });
const ask = message({ messageId: 'm1', role: 'ROLE_USER', contextId: 'c1', parts: [budget, order, quote, note] });

describe('A2A objects', () => {
  it('builds parts in ProtoJSON form: one content member, tag in metadata', () => {
    expect(budget).toEqual({ text: 'Budget: $4,000.', metadata: { tag: 'fact' } });
    expect(order).toEqual({ data: { vendor: 'acme', po: 1234 }, metadata: { tag: 'fact' }, mediaType: 'application/json' });
    expect(quote).toEqual({ url: 'https://files.harness.local/quote.pdf', filename: 'quote.pdf', mediaType: 'application/pdf' });
    expect(note).toEqual({ raw: 'aGVsbG8=', metadata: { tag: 'context' }, filename: 'hello.txt', mediaType: 'text/plain' });
    expect([budget, order, quote, note].map(partKind)).toEqual(['text', 'data', 'file', 'file']);
    expect([budget, order, quote, note].map(partTag)).toEqual(['fact', 'fact', undefined, 'context']);
    expect(factsOf(ask.parts)).toEqual([budget, order]);
    expect(dataPart(null).data).toBeNull();
    expect(partKind(dataPart(null))).toBe('data');
  });

  it('keeps other metadata beside the tag', () => {
    expect(textPart('x', { tag: 'context', metadata: { source: 'tool:search' } }).metadata).toEqual({ source: 'tool:search', tag: 'context' });
  });

  it('leaves unset fields out, so objects equal their JSON round trip', () => {
    const t = newTask({ id: 't1', contextId: 'c1', t: 1500, message: ask });
    expect(t).toEqual({ id: 't1', contextId: 'c1', status: { state: 'TASK_STATE_SUBMITTED', timestamp: '1970-01-01T00:00:01.500Z' }, artifacts: [], history: [ask] });
    const a = artifact({ artifactId: 'a1', name: 'report', parts: [textPart('done')], description: undefined });
    expect(Object.keys(a)).toEqual(['artifactId', 'name', 'parts']);
    for (const v of [ask, t, a]) expect(JSON.parse(JSON.stringify(v))).toEqual(v);
  });

  it('stamps status with virtual time as ISO 8601 UTC counted from the epoch', () => {
    expect(virtualTimestamp(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(virtualTimestamp(1500)).toBe('1970-01-01T00:00:01.500Z');
    expect(virtualTimestamp(90_061_001)).toBe('1970-01-02T01:01:01.001Z');
    expect(virtualTimestamp(0.4)).toBe('1970-01-01T00:00:00.000Z');
    // Against the platform's calendar, across month, leap-year and century boundaries (test only).
    for (const t of [31 * 86_400_000, 59 * 86_400_000 + 1, 68_169_600_000, 951_782_400_000, 951_868_799_999, 4_102_444_800_000, 253_402_300_799_999]) {
      expect(virtualTimestamp(t)).toBe(new Date(t).toISOString());
    }
  });
});

describe('JSON-RPC envelopes', () => {
  it('speaks the A2A 1.0 method names', () => {
    expect([...A2A_METHODS]).toEqual(['SendMessage', 'SendStreamingMessage', 'GetTask', 'ListTasks', 'CancelTask', 'SubscribeToTask']);
    expect(Object.keys(A2A_UNSERVED_METHODS).sort()).toEqual([
      'CreateTaskPushNotificationConfig',
      'DeleteTaskPushNotificationConfig',
      'GetExtendedAgentCard',
      'GetTaskPushNotificationConfig',
      'ListTaskPushNotificationConfigs',
    ]);
  });

  it('builds requests whose params are the SDK request types on the wire', () => {
    const send = rpcRequest('r1', 'SendMessage', { message: ask, configuration: { acceptedOutputModes: ['text/plain'], returnImmediately: true } });
    const wire = send satisfies { jsonrpc: '2.0'; id: RpcId; method: 'SendMessage'; params: Wire<SdkSendMessageRequest> };
    expect(wire).toEqual({ jsonrpc: '2.0', id: 'r1', method: 'SendMessage', params: { message: ask, configuration: { acceptedOutputModes: ['text/plain'], returnImmediately: true } } });
    const list = rpcRequest(2, 'ListTasks', { contextId: 'c1', status: 'TASK_STATE_WORKING', pageSize: 10 }) satisfies { params: Wire<SdkListTasksRequest> };
    expect(list.params.status).toBe('TASK_STATE_WORKING');
    const get = rpcRequest(3, 'GetTask', { id: 't1', historyLength: 0 }) satisfies { params: Wire<SdkGetTaskRequest> };
    expect(get.method).toBe('GetTask');
  });

  it('builds results and errors the SDK client reads', () => {
    const t = newTask({ id: 't1', contextId: 'c1', t: 0 });
    expect(rpcResult('r1', { task: t }) satisfies { result: Wire<SdkSendMessageResponse> }).toEqual({ jsonrpc: '2.0', id: 'r1', result: { task: t } });
    const notFound = rpcError('r2', A2A_ERRORS.TaskNotFound, 'task t9 not found') satisfies SdkJsonRpcFailure;
    expect(notFound).toEqual({
      jsonrpc: '2.0',
      id: 'r2',
      error: { code: -32001, message: 'task t9 not found', data: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'TASK_NOT_FOUND', domain: 'a2a-protocol.org' }] },
    });
    expect(rpcError(null, A2A_ERRORS.ParseError, 'envelope: expected JSON')).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'envelope: expected JSON' } });
    expect(rpcError(4, A2A_ERRORS.InternalError, 'boom', { step: 3 }).error.data).toEqual({ step: 3 });
  });

  it('numbers the errors as A2A 1.0 and JSON-RPC 2.0 do', () => {
    expect(A2A_ERRORS).toEqual({
      ParseError: -32700,
      InvalidRequest: -32600,
      MethodNotFound: -32601,
      InvalidParams: -32602,
      InternalError: -32603,
      TaskNotFound: -32001,
      TaskNotCancelable: -32002,
      PushNotificationNotSupported: -32003,
      UnsupportedOperation: -32004,
      ContentTypeNotSupported: -32005,
      InvalidAgentResponse: -32006,
      ExtendedAgentCardNotConfigured: -32007,
      ExtensionSupportRequired: -32008,
      VersionNotSupported: -32009,
    });
  });
});

describe('canonicalJson', () => {
  it('sorts keys by code unit at every depth, whatever the build order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ b: 1, 10: 'x', 9: 'y', B: 2 })).toBe('{"10":"x","9":"y","B":2,"b":1}');
  });

  it('drops undefined members and writes undefined items as null, like JSON.stringify', () => {
    expect(canonicalJson({ a: undefined, b: [undefined, 1], c: Number.NaN })).toBe('{"b":[null,1],"c":null}');
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('pretty-prints with sorted keys', () => {
    expect(canonicalJson({ b: [1], a: {} }, 2)).toBe('{\n  "a": {},\n  "b": [\n    1\n  ]\n}');
  });
});
