/**
 * JSON-RPC 2.0 envelopes for A2A 1.0: the method names (PascalCase, "matching gRPC"), their
 * params and results in ProtoJSON form, the error codes, and builders for the three envelope
 * kinds (REFERENCES §4.1; the JSON-RPC binding of @a2a-js/sdk 1.3.0).
 */
import type { Message, Metadata, Task, TaskArtifactUpdateEvent, TaskState, TaskStatusUpdateEvent } from './a2a';

/** A request id: JSON-RPC 2.0 allows a string, a number or null. */
export type RpcId = string | number | null;

/** The A2A 1.0 methods the kernel serves, in the order of the spec's method table. */
export const A2A_METHODS = Object.freeze(['SendMessage', 'SendStreamingMessage', 'GetTask', 'ListTasks', 'CancelTask', 'SubscribeToTask'] as const);

/** One of the methods the kernel serves. */
export type A2AMethod = (typeof A2A_METHODS)[number];

/** JSON-RPC 2.0 and A2A error codes by name (A2A 1.0 spec §5.4; -326xx/-32700 from JSON-RPC 2.0 §5.1). */
export const A2A_ERRORS = Object.freeze({
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
} as const);

/** A code from A2A_ERRORS. */
export type A2AErrorCode = (typeof A2A_ERRORS)[keyof typeof A2A_ERRORS];

/**
 * A2A 1.0 methods the kernel recognises but does not serve, with the error each answers: its
 * Agent Cards declare no push notifications and no extended card.
 */
export const A2A_UNSERVED_METHODS: Readonly<Record<string, A2AErrorCode>> = Object.freeze({
  CreateTaskPushNotificationConfig: A2A_ERRORS.PushNotificationNotSupported,
  GetTaskPushNotificationConfig: A2A_ERRORS.PushNotificationNotSupported,
  ListTaskPushNotificationConfigs: A2A_ERRORS.PushNotificationNotSupported,
  DeleteTaskPushNotificationConfig: A2A_ERRORS.PushNotificationNotSupported,
  GetExtendedAgentCard: A2A_ERRORS.ExtendedAgentCardNotConfigured,
});

/** The `google.rpc.ErrorInfo.reason` A2A 1.0 puts in `error.data` for each A2A-specific code. */
export const A2A_ERROR_REASONS: Readonly<Partial<Record<A2AErrorCode, string>>> = Object.freeze({
  [A2A_ERRORS.TaskNotFound]: 'TASK_NOT_FOUND',
  [A2A_ERRORS.TaskNotCancelable]: 'TASK_NOT_CANCELABLE',
  [A2A_ERRORS.PushNotificationNotSupported]: 'PUSH_NOTIFICATION_NOT_SUPPORTED',
  [A2A_ERRORS.UnsupportedOperation]: 'UNSUPPORTED_OPERATION',
  [A2A_ERRORS.ContentTypeNotSupported]: 'CONTENT_TYPE_NOT_SUPPORTED',
  [A2A_ERRORS.InvalidAgentResponse]: 'INVALID_AGENT_RESPONSE',
  [A2A_ERRORS.ExtendedAgentCardNotConfigured]: 'EXTENDED_AGENT_CARD_NOT_CONFIGURED',
  [A2A_ERRORS.ExtensionSupportRequired]: 'EXTENSION_SUPPORT_REQUIRED',
  [A2A_ERRORS.VersionNotSupported]: 'VERSION_NOT_SUPPORTED',
});

/** How SendMessage should answer; push notification config is left out (not served). */
export interface SendMessageConfiguration {
  acceptedOutputModes?: string[];
  historyLength?: number;
  /** Answer at once with the task instead of waiting for a terminal or interrupted state. */
  returnImmediately?: boolean;
}

/** Params of SendMessage and SendStreamingMessage. */
export interface SendMessageParams {
  message: Message;
  configuration?: SendMessageConfiguration;
  metadata?: Metadata;
  tenant?: string;
}

/** Params of GetTask. */
export interface GetTaskParams {
  id: string;
  historyLength?: number;
  tenant?: string;
}

/** Params of ListTasks: filters and paging, all optional. */
export interface ListTasksParams {
  contextId?: string;
  status?: TaskState;
  pageSize?: number;
  pageToken?: string;
  historyLength?: number;
  /** ISO 8601; only tasks whose status changed at or after it. */
  statusTimestampAfter?: string;
  includeArtifacts?: boolean;
  tenant?: string;
}

/** Params of CancelTask. */
export interface CancelTaskParams {
  id: string;
  metadata?: Metadata;
  tenant?: string;
}

/** Params of SubscribeToTask. */
export interface SubscribeToTaskParams {
  id: string;
  tenant?: string;
}

/** Params by method. */
export interface A2AParams {
  SendMessage: SendMessageParams;
  SendStreamingMessage: SendMessageParams;
  GetTask: GetTaskParams;
  ListTasks: ListTasksParams;
  CancelTask: CancelTaskParams;
  SubscribeToTask: SubscribeToTaskParams;
}

/** SendMessage's result: the task it created or moved, or a direct message. */
export type SendMessageResult = { task: Task; message?: never } | { message: Message; task?: never };

/** One item of a SendStreamingMessage or SubscribeToTask stream: exactly one member is set. */
export type StreamResponse =
  | { task: Task; message?: never; statusUpdate?: never; artifactUpdate?: never }
  | { message: Message; task?: never; statusUpdate?: never; artifactUpdate?: never }
  | { statusUpdate: TaskStatusUpdateEvent; task?: never; message?: never; artifactUpdate?: never }
  | { artifactUpdate: TaskArtifactUpdateEvent; task?: never; message?: never; statusUpdate?: never };

/** ListTasks' result: one page of tasks. */
export interface ListTasksResult {
  tasks: Task[];
  /** Empty when this is the last page. */
  nextPageToken: string;
  pageSize: number;
  totalSize: number;
}

/** Results by method (a streaming method's result is one stream item per envelope). */
export interface A2AResults {
  SendMessage: SendMessageResult;
  SendStreamingMessage: StreamResponse;
  GetTask: Task;
  ListTasks: ListTasksResult;
  CancelTask: Task;
  SubscribeToTask: StreamResponse;
}

/** A request envelope; for a union of methods, `method` narrows `params`. */
export type RpcRequest<M extends A2AMethod = A2AMethod> = {
  [K in M]: { jsonrpc: '2.0'; id: RpcId; method: K; params: A2AParams[K] };
}[M];

/** A success response envelope. */
export interface RpcSuccess<R = unknown> {
  jsonrpc: '2.0';
  id: RpcId;
  result: R;
}

/** Structured error details: A2A 1.0 sends `google.rpc` detail objects, each with its `@type`. */
export type RpcErrorData = Record<string, unknown>[] | Record<string, unknown>;

/** The error member of an error response. */
export interface RpcErrorObject {
  code: number;
  message: string;
  data?: RpcErrorData;
}

/** An error response envelope. */
export interface RpcFailure {
  jsonrpc: '2.0';
  id: RpcId;
  error: RpcErrorObject;
}

/** Any envelope: a request or one of the two responses. */
export type Envelope = RpcRequest | RpcSuccess | RpcFailure;

/** A request envelope for `method`. */
export function rpcRequest<M extends A2AMethod>(id: RpcId, method: M, params: A2AParams[M]): RpcRequest<M> {
  return { jsonrpc: '2.0', id, method, params } as RpcRequest<M>;
}

/** A success response envelope answering request `id`. */
export function rpcResult<R>(id: RpcId, result: R): RpcSuccess<R> {
  return { jsonrpc: '2.0', id, result };
}

/** `google.rpc.ErrorInfo` for an A2A-specific code, as A2A 1.0 puts it in `error.data`. */
export function errorInfo(code: number): Record<string, unknown> | undefined {
  const reason = A2A_ERROR_REASONS[code as A2AErrorCode];
  return reason === undefined ? undefined : { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'a2a-protocol.org' };
}

/**
 * An error response envelope. Without `data`, an A2A-specific code (-32001…-32009) carries
 * its ErrorInfo (`[{ '@type', reason, domain }]`) and a JSON-RPC code carries no data.
 */
export function rpcError(id: RpcId, code: number, message: string, data?: RpcErrorData): RpcFailure {
  const info = data === undefined ? errorInfo(code) : undefined;
  const details = data ?? (info === undefined ? undefined : [info]);
  return { jsonrpc: '2.0', id, error: details === undefined ? { code, message } : { code, message, data: details } };
}
