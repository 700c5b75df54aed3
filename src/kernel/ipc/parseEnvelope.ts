/**
 * Reading A2A JSON-RPC envelopes off the wire. Never throws: every problem becomes a JSON-RPC
 * error object whose message names the path, what was expected and what was found, e.g.
 * `params.message.parts[1]: expected one of text, data, url or raw, found none of them`, and
 * whose data carries the same as a `google.rpc.BadRequest` field violation (or, for an
 * A2A-specific code, its ErrorInfo), ready for `rpcError`.
 *
 * Parsing copies: the value returned shares nothing with the input and holds only the fields
 * A2A 1.0 defines (unknown ones are dropped, as ProtoJSON readers drop them). Fields must be
 * camelCase; a snake_case or A2A 0.3 spelling is named in the error as a hint.
 */
import { A2A_ERRORS, A2A_METHODS, A2A_UNSERVED_METHODS, errorInfo, type A2AMethod, type A2AParams, type A2AResults, type Envelope, type RpcErrorObject, type RpcId, type RpcRequest } from './jsonRpc';
import { Invalid, artifactUpdate, at, bool, count, defined, describe, fail, isObj, json, list, message, metadata, obj, oneofMember, opt, req, statusUpdate, string, task, taskState, type Obj, type Read } from './wireReaders';

/** parseEnvelope's answer: the envelope, or the error to answer with and the request id it belongs to (null if unknown). */
export type ParsedEnvelope = { ok: true; envelope: Envelope } | { ok: false; id: RpcId; error: RpcErrorObject };

/** parseResult's answer: the typed result, or an InvalidAgentResponse error. */
export type ParsedResult<M extends A2AMethod> = { ok: true; result: A2AResults[M] } | { ok: false; error: RpcErrorObject };

const sendMessageParams: Read<A2AParams['SendMessage']> = (v, path) => {
  const o = obj(v, path);
  const c = opt(o, 'configuration', path, obj);
  const cPath = at(path, 'configuration');
  if (c?.taskPushNotificationConfig !== undefined) {
    fail(at(cPath, 'taskPushNotificationConfig'), 'push notifications are not supported (the Agent Card says pushNotifications: false)', A2A_ERRORS.PushNotificationNotSupported);
  }
  const configuration =
    c === undefined
      ? undefined
      : defined({
          acceptedOutputModes: opt(c, 'acceptedOutputModes', cPath, list(string)),
          historyLength: opt(c, 'historyLength', cPath, count),
          returnImmediately: opt(c, 'returnImmediately', cPath, bool),
        });
  return defined({
    message: req(o, 'message', path, message),
    configuration,
    metadata: opt(o, 'metadata', path, metadata),
    tenant: opt(o, 'tenant', path, string),
  });
};

const pageSize: Read<number> = (v, path) => {
  const n = count(v, path);
  return n >= 1 && n <= 100 ? n : fail(path, `expected 1 to 100, found ${n}`);
};

/** Params readers by method. */
const PARAMS: { [M in A2AMethod]: Read<A2AParams[M]> } = {
  SendMessage: sendMessageParams,
  SendStreamingMessage: sendMessageParams,
  GetTask: (v, path) => {
    const o = obj(v, path);
    return defined({ id: req(o, 'id', path, string), historyLength: opt(o, 'historyLength', path, count), tenant: opt(o, 'tenant', path, string) });
  },
  ListTasks: (v, path) => {
    const o = obj(v, path);
    return defined({
      contextId: opt(o, 'contextId', path, string),
      status: opt(o, 'status', path, taskState),
      pageSize: opt(o, 'pageSize', path, pageSize),
      pageToken: opt(o, 'pageToken', path, string),
      historyLength: opt(o, 'historyLength', path, count),
      statusTimestampAfter: opt(o, 'statusTimestampAfter', path, string),
      includeArtifacts: opt(o, 'includeArtifacts', path, bool),
      tenant: opt(o, 'tenant', path, string),
    });
  },
  CancelTask: (v, path) => {
    const o = obj(v, path);
    return defined({ id: req(o, 'id', path, string), metadata: opt(o, 'metadata', path, metadata), tenant: opt(o, 'tenant', path, string) });
  },
  SubscribeToTask: (v, path) => {
    const o = obj(v, path);
    return defined({ id: req(o, 'id', path, string), tenant: opt(o, 'tenant', path, string) });
  },
};

const streamResponse = oneofMember<A2AResults['SendStreamingMessage']>({ task, message, statusUpdate, artifactUpdate });

/** Result readers by method. */
const RESULTS: { [M in A2AMethod]: Read<A2AResults[M]> } = {
  SendMessage: oneofMember<A2AResults['SendMessage']>({ task, message }),
  SendStreamingMessage: streamResponse,
  GetTask: task,
  ListTasks: (v, path) => {
    const o = obj(v, path);
    return {
      tasks: req(o, 'tasks', path, list(task)),
      nextPageToken: req(o, 'nextPageToken', path, string),
      pageSize: req(o, 'pageSize', path, count),
      totalSize: req(o, 'totalSize', path, count),
    };
  },
  CancelTask: task,
  SubscribeToTask: streamResponse,
};

/** A2A 0.3 method names, for the hint when one arrives at a 1.0 endpoint. */
const V03_METHODS: Readonly<Record<string, string>> = Object.freeze({
  'message/send': 'SendMessage',
  'message/stream': 'SendStreamingMessage',
  'tasks/get': 'GetTask',
  'tasks/list': 'ListTasks',
  'tasks/cancel': 'CancelTask',
  'tasks/resubscribe': 'SubscribeToTask',
  'tasks/pushNotificationConfig/set': 'CreateTaskPushNotificationConfig',
  'tasks/pushNotificationConfig/get': 'GetTaskPushNotificationConfig',
  'tasks/pushNotificationConfig/list': 'ListTaskPushNotificationConfigs',
  'tasks/pushNotificationConfig/delete': 'DeleteTaskPushNotificationConfig',
  'agent/getAuthenticatedExtendedCard': 'GetExtendedAgentCard',
});

const isRpcId = (v: unknown): v is RpcId => v === null || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));

const isA2AMethod = (m: string): m is A2AMethod => (A2A_METHODS as readonly string[]).includes(m);

function request(o: Obj): RpcRequest {
  if (!isRpcId(o.id)) fail('id', `expected a string, a number or null, found ${describe(o.id)} (A2A requests are never notifications)`, A2A_ERRORS.InvalidRequest);
  const method = typeof o.method === 'string' ? o.method : fail('method', `expected a string, found ${describe(o.method)}`, A2A_ERRORS.InvalidRequest);
  const unserved = Object.hasOwn(A2A_UNSERVED_METHODS, method) ? A2A_UNSERVED_METHODS[method] : undefined;
  if (unserved !== undefined) fail('method', `${method} is not served (its Agent Card declares neither push notifications nor an extended card)`, unserved);
  if (!isA2AMethod(method)) {
    const v1 = Object.hasOwn(V03_METHODS, method) ? V03_METHODS[method] : undefined;
    const hint = v1 === undefined ? '' : ` (the A2A 0.3 name of ${v1})`;
    return fail('method', `expected an A2A 1.0 method (${A2A_METHODS.join(', ')}), found ${describe(method)}${hint}`, A2A_ERRORS.MethodNotFound);
  }
  const params = PARAMS[method](o.params, 'params');
  return { jsonrpc: '2.0', id: o.id as RpcId, method, params } as RpcRequest;
}

const errorData: Read<RpcErrorObject['data']> = (v, path) => {
  if (Array.isArray(v)) return list(obj)(v, path).map((d, i) => json(d, `${path}[${i}]`)) as Record<string, unknown>[];
  return json(obj(v, path), path) as Record<string, unknown>;
};

function response(o: Obj): Envelope {
  if (!('id' in o) || !isRpcId(o.id)) fail('id', `expected a string, a number or null, found ${describe(o.id)}`);
  const id = o.id as RpcId;
  if ('result' in o && o.error !== undefined) fail('envelope', 'expected result or error, found both');
  if ('result' in o) return { jsonrpc: '2.0', id, result: json(o.result, 'result') };
  const e = obj(o.error, 'error');
  const code = req(e, 'code', 'error', (v, path) => (typeof v === 'number' && Number.isSafeInteger(v) ? v : fail(path, `expected an integer, found ${describe(v)}`)));
  const error = defined({ code, message: req(e, 'message', 'error', string), data: opt(e, 'data', 'error', errorData) });
  return { jsonrpc: '2.0', id, error };
}

/** The error object for a problem at `path`, with its detail in `data`. */
function errorObject(code: number, path: string, what: string): RpcErrorObject {
  const info = errorInfo(code);
  const detail = info ?? { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: path, description: what }] };
  return { code, message: `${path}: ${what}`, data: [detail] };
}

/**
 * Reads one envelope: a JSON text or an already-decoded value. A request's params are checked
 * against its method; a response's result is kept as JSON (a response does not say which
 * method it answers: check it with `parseResult` once the id is matched to its request).
 * Codes: ParseError (not JSON), InvalidRequest (not a JSON-RPC 2.0 request), MethodNotFound,
 * InvalidParams (params), InvalidAgentResponse (a malformed response), and the A2A code of a
 * recognised method or option the kernel does not serve.
 */
export function parseEnvelope(input: unknown): ParsedEnvelope {
  let v = input;
  if (typeof input === 'string') {
    try {
      v = JSON.parse(input);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      return { ok: false, id: null, error: errorObject(A2A_ERRORS.ParseError, 'envelope', `expected JSON, found text that does not parse (${why})`) };
    }
  }
  if (!isObj(v)) {
    const what = Array.isArray(v) ? `expected one JSON-RPC object, found ${describe(v)} (A2A sends no batches)` : `expected a JSON-RPC object, found ${describe(v)}`;
    return { ok: false, id: null, error: errorObject(A2A_ERRORS.InvalidRequest, 'envelope', what) };
  }
  const id = isRpcId(v.id) ? v.id : null;
  const isRequest = v.method !== undefined || (!('result' in v) && v.error === undefined);
  try {
    if (v.jsonrpc !== '2.0') fail('jsonrpc', `expected "2.0", found ${describe(v.jsonrpc)}`, A2A_ERRORS.InvalidRequest);
    if (v.method !== undefined) return { ok: true, envelope: request(v) };
    if (isRequest) fail('envelope', 'expected method (a request), result or error (a response), found none of them', A2A_ERRORS.InvalidRequest);
    return { ok: true, envelope: response(v) };
  } catch (err) {
    if (!(err instanceof Invalid)) throw err;
    const code = err.code ?? (isRequest ? A2A_ERRORS.InvalidParams : A2A_ERRORS.InvalidAgentResponse);
    return { ok: false, id, error: errorObject(code, err.path, err.what) };
  }
}

/** Checks a response's result against the method it answers; problems are InvalidAgentResponse. */
export function parseResult<M extends A2AMethod>(method: M, result: unknown): ParsedResult<M> {
  try {
    return { ok: true, result: RESULTS[method](result, 'result') };
  } catch (err) {
    if (!(err instanceof Invalid)) throw err;
    return { ok: false, error: errorObject(err.code ?? A2A_ERRORS.InvalidAgentResponse, err.path, err.what) };
  }
}
