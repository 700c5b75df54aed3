import { describe, expect, it } from 'vitest';
import { artifact, dataPart, fileBytes, fileRef, message, newTask, textPart, type Task } from './a2a';
import { A2A_ERRORS, rpcError, rpcRequest, rpcResult, type A2AMethod, type A2AResults, type Envelope } from './jsonRpc';
import { parseEnvelope, parseResult } from './parseEnvelope';
import { transition } from './taskState';

const ask = message({
  messageId: 'm1',
  role: 'ROLE_USER',
  contextId: 'c1',
  parts: [
    textPart('Budget: $4,000.', { tag: 'fact' }),
    dataPart({ vendor: 'acme', po: 1234, lines: [{ sku: 'A-1', qty: 2 }] }, { tag: 'fact', mediaType: 'application/json' }),
    fileRef('https://files.harness.local/quote.pdf', { filename: 'quote.pdf', mediaType: 'application/pdf' }),
    fileBytes('aGVsbG8=', { filename: 'hello.txt', tag: 'context' }),
  ],
  metadata: { priority: 'high' },
});
const reply = message({ messageId: 'm2', role: 'ROLE_AGENT', contextId: 'c1', taskId: 't1', parts: [textPart('On it.')] });

function working(): Task {
  const moved = transition(newTask({ id: 't1', contextId: 'c1', t: 0, message: ask }), 'TASK_STATE_WORKING', 250, reply);
  if (!moved.ok) throw new Error(moved.error);
  return { ...moved.task, artifacts: [artifact({ artifactId: 'a1', name: 'po', parts: [dataPart({ po: 1234 })] })] };
}

/** Sends `value` through JSON text and back through parseEnvelope. */
function roundTrip(value: Envelope): Envelope {
  const parsed = parseEnvelope(JSON.stringify(value));
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.envelope;
}

describe('parseEnvelope: round trips', () => {
  const requests = [
    rpcRequest('r1', 'SendMessage', { message: ask, configuration: { acceptedOutputModes: ['text/plain'], historyLength: 5, returnImmediately: false }, metadata: { trace: 'x' } }),
    rpcRequest(2, 'SendStreamingMessage', { message: ask, tenant: 'studio' }),
    rpcRequest(3, 'GetTask', { id: 't1', historyLength: 0 }),
    rpcRequest(4, 'ListTasks', { contextId: 'c1', status: 'TASK_STATE_INPUT_REQUIRED', pageSize: 100, pageToken: 'p2', statusTimestampAfter: '1970-01-01T00:00:00.000Z', includeArtifacts: true }),
    rpcRequest(null, 'CancelTask', { id: 't1', metadata: { why: 'user' } }),
    rpcRequest('r6', 'SubscribeToTask', { id: 't1' }),
  ];
  it.each(requests.map((r) => [r.method, r] as const))('%s request', (_, req) => {
    expect(roundTrip(req)).toEqual(req);
  });

  const results: { [M in A2AMethod]: A2AResults[M] } = {
    SendMessage: { task: working() },
    SendStreamingMessage: { statusUpdate: { taskId: 't1', contextId: 'c1', status: { state: 'TASK_STATE_COMPLETED', timestamp: '1970-01-01T00:00:02.000Z' } } },
    GetTask: working(),
    ListTasks: { tasks: [working()], nextPageToken: '', pageSize: 50, totalSize: 1 },
    CancelTask: working(),
    SubscribeToTask: { artifactUpdate: { taskId: 't1', contextId: 'c1', artifact: artifact({ artifactId: 'a1', parts: [textPart('part 2')] }), append: true, lastChunk: true } },
  };
  it.each(Object.entries(results))('%s result', (method, result) => {
    const env = roundTrip(rpcResult(7, result));
    expect('result' in env && env.result).toEqual(result);
    const typed = parseResult(method as A2AMethod, 'result' in env ? env.result : undefined);
    expect(typed).toEqual({ ok: true, result });
  });

  it('a direct message result', () => {
    expect(parseResult('SendMessage', JSON.parse(JSON.stringify({ message: reply })))).toEqual({ ok: true, result: { message: reply } });
  });

  it('error responses, with and without data', () => {
    for (const e of [rpcError('r1', A2A_ERRORS.TaskNotCancelable, 'task t1 is completed'), rpcError(8, A2A_ERRORS.InvalidParams, 'params.id: required'), rpcError(null, -32099, 'custom', { hint: 'x' })]) {
      expect(roundTrip(e)).toEqual(e);
    }
  });

  it('accepts a decoded value as well as JSON text, and fills in left-out empty lists', () => {
    const sparse = { jsonrpc: '2.0', id: 1, result: { id: 't1', contextId: 'c1', status: { state: 'TASK_STATE_SUBMITTED' } } };
    const env = parseEnvelope(sparse);
    expect(env.ok).toBe(true);
    expect(parseResult('GetTask', sparse.result)).toEqual({ ok: true, result: { id: 't1', contextId: 'c1', status: { state: 'TASK_STATE_SUBMITTED' }, artifacts: [], history: [] } });
  });

  it('copies: the envelope shares nothing with its input and drops unknown fields', () => {
    const input = JSON.parse(JSON.stringify(rpcRequest(1, 'SendMessage', { message: ask }))) as { params: { message: { parts: { data?: { po: number } }[]; extra?: number } } };
    input.params.message.extra = 1;
    const env = parseEnvelope(input);
    if (!env.ok || !('method' in env.envelope) || env.envelope.method !== 'SendMessage') throw new Error('expected a SendMessage request');
    input.params.message.parts[1]!.data!.po = 9;
    expect(env.envelope.params.message).toEqual(ask);
  });

  it('keeps a data key named __proto__ as data', () => {
    const env = parseEnvelope('{"jsonrpc":"2.0","id":1,"method":"SendMessage","params":{"message":{"messageId":"m","role":"ROLE_USER","parts":[{"data":{"__proto__":{"polluted":true}}}]}}}');
    if (!env.ok || !('method' in env.envelope) || env.envelope.method !== 'SendMessage') throw new Error('expected a SendMessage request');
    const data = env.envelope.params.message.parts[0]!.data as Record<string, unknown>;
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
    expect(Object.keys(data)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

const send = (message: unknown): string => JSON.stringify({ jsonrpc: '2.0', id: 'r1', method: 'SendMessage', params: { message } });
const okMessage = { messageId: 'm1', role: 'ROLE_USER', parts: [{ text: 'hi' }] };

describe('parseEnvelope: errors say what and where', () => {
  const cases: [string, unknown, number, string][] = [
    ['not JSON', '{"jsonrpc":', A2A_ERRORS.ParseError, 'envelope: expected JSON, found text that does not parse'],
    ['a batch', '[]', A2A_ERRORS.InvalidRequest, 'envelope: expected one JSON-RPC object, found an array of 0 (A2A sends no batches)'],
    ['a bare number', 42, A2A_ERRORS.InvalidRequest, 'envelope: expected a JSON-RPC object, found number 42'],
    ['JSON-RPC 1.0', { jsonrpc: '1.0', id: 1, method: 'GetTask', params: { id: 't' } }, A2A_ERRORS.InvalidRequest, 'jsonrpc: expected "2.0", found "1.0"'],
    ['a notification', { jsonrpc: '2.0', method: 'GetTask', params: { id: 't' } }, A2A_ERRORS.InvalidRequest, 'id: expected a string, a number or null, found nothing (A2A requests are never notifications)'],
    ['neither request nor response', { jsonrpc: '2.0', id: 1 }, A2A_ERRORS.InvalidRequest, 'envelope: expected method (a request), result or error (a response), found none of them'],
    ['an unknown method', { jsonrpc: '2.0', id: 1, method: 'DoThings', params: {} }, A2A_ERRORS.MethodNotFound, 'method: expected an A2A 1.0 method (SendMessage, SendStreamingMessage, GetTask, ListTasks, CancelTask, SubscribeToTask), found "DoThings"'],
    ['an A2A 0.3 method', { jsonrpc: '2.0', id: 1, method: 'message/send', params: {} }, A2A_ERRORS.MethodNotFound, 'found "message/send" (the A2A 0.3 name of SendMessage)'],
    ['push config', { jsonrpc: '2.0', id: 1, method: 'CreateTaskPushNotificationConfig', params: {} }, A2A_ERRORS.PushNotificationNotSupported, 'method: CreateTaskPushNotificationConfig is not served'],
    ['extended card', { jsonrpc: '2.0', id: 1, method: 'GetExtendedAgentCard' }, A2A_ERRORS.ExtendedAgentCardNotConfigured, 'method: GetExtendedAgentCard is not served'],
    ['no params', { jsonrpc: '2.0', id: 1, method: 'GetTask' }, A2A_ERRORS.InvalidParams, 'params: expected an object, found nothing'],
    ['a task id that is a number', { jsonrpc: '2.0', id: 1, method: 'GetTask', params: { id: 7 } }, A2A_ERRORS.InvalidParams, 'params.id: expected a string, found number 7'],
    ['page size out of range', { jsonrpc: '2.0', id: 1, method: 'ListTasks', params: { pageSize: 500 } }, A2A_ERRORS.InvalidParams, 'params.pageSize: expected 1 to 100, found 500'],
    ['a v0.3 state filter', { jsonrpc: '2.0', id: 1, method: 'ListTasks', params: { status: 'input-required' } }, A2A_ERRORS.InvalidParams, 'found "input-required" (the A2A 0.3 spelling of "TASK_STATE_INPUT_REQUIRED")'],
    ['push config on SendMessage', JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'SendMessage', params: { message: okMessage, configuration: { taskPushNotificationConfig: { url: 'https://x' } } } }), A2A_ERRORS.PushNotificationNotSupported, 'params.configuration.taskPushNotificationConfig: push notifications are not supported'],
    ['a snake_case field', send({ message_id: 'm1', role: 'ROLE_USER', parts: [{ text: 'hi' }] }), A2A_ERRORS.InvalidParams, 'params.message.messageId: required, found nothing (message_id is set: A2A 1.0 JSON names fields in camelCase)'],
    ['a v0.3 role', send({ ...okMessage, role: 'user' }), A2A_ERRORS.InvalidParams, 'params.message.role: expected one of "ROLE_USER", "ROLE_AGENT", found "user" (the A2A 0.3 spelling of "ROLE_USER")'],
    ['no parts', send({ ...okMessage, parts: [] }), A2A_ERRORS.InvalidParams, 'params.message.parts: expected at least one item, found an empty array'],
    ['a v0.3 kind-tagged part', send({ ...okMessage, parts: [{ text: 'ok' }, { kind: 'text', content: 'x' }] }), A2A_ERRORS.InvalidParams, 'params.message.parts[1]: expected one of text, data, url or raw, found kind "text", the A2A 0.3 shape'],
    ['an empty part', send({ ...okMessage, parts: [{ text: 'ok' }, { metadata: {} }] }), A2A_ERRORS.InvalidParams, 'params.message.parts[1]: expected one of text, data, url or raw, found none of them'],
    ['a part with two contents', send({ ...okMessage, parts: [{ text: 'a', url: 'https://x' }] }), A2A_ERRORS.InvalidParams, 'params.message.parts[0]: expected exactly one of text, data, url or raw, found text and url'],
    ['a bad tag', send({ ...okMessage, parts: [{ text: 'a', metadata: { tag: 'fac' } }] }), A2A_ERRORS.InvalidParams, 'params.message.parts[0].metadata.tag: expected "fact" or "context", found "fac"'],
    ['a url that is not a string', send({ ...okMessage, parts: [{ url: 3 }] }), A2A_ERRORS.InvalidParams, 'params.message.parts[0].url: expected a string, found number 3'],
    ['result and error', { jsonrpc: '2.0', id: 1, result: {}, error: { code: 1, message: 'x' } }, A2A_ERRORS.InvalidAgentResponse, 'envelope: expected result or error, found both'],
    ['an error without a code', { jsonrpc: '2.0', id: 1, error: { message: 'x' } }, A2A_ERRORS.InvalidAgentResponse, 'error.code: required, found nothing'],
  ];

  it.each(cases)('%s', (_, input, code, text) => {
    const parsed = parseEnvelope(input);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.code).toBe(code);
    expect(parsed.error.message).toContain(text);
  });

  it('answers with the request id when it could be read', () => {
    const parsed = parseEnvelope(send({ ...okMessage, parts: [{}] }));
    expect(parsed).toMatchObject({ ok: false, id: 'r1' });
    expect(parseEnvelope('[1]')).toMatchObject({ ok: false, id: null });
  });

  it('puts the path in a google.rpc.BadRequest detail, or the ErrorInfo for an A2A code', () => {
    const bad = parseEnvelope(send({ ...okMessage, parts: [{ text: 'ok' }, { kind: 'text' }] }));
    expect(!bad.ok && bad.error.data).toEqual([
      {
        '@type': 'type.googleapis.com/google.rpc.BadRequest',
        fieldViolations: [{ field: 'params.message.parts[1]', description: expect.stringContaining('expected one of text, data, url or raw') }],
      },
    ]);
    const unserved = parseEnvelope({ jsonrpc: '2.0', id: 1, method: 'GetTaskPushNotificationConfig', params: {} });
    expect(!unserved.ok && unserved.error.data).toEqual([{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'PUSH_NOTIFICATION_NOT_SUPPORTED', domain: 'a2a-protocol.org' }]);
    // The failure is ready to send back as it is.
    if (!bad.ok) expect(rpcError(bad.id, bad.error.code, bad.error.message, bad.error.data).error).toEqual(bad.error);
  });
});

describe('parseResult: a response checked against the method it answers', () => {
  const cases: [A2AMethod, unknown, string][] = [
    ['GetTask', { id: 't1', contextId: 'c1', status: { state: 'working' } }, 'result.status.state: expected one of "TASK_STATE_SUBMITTED"'],
    ['GetTask', { id: 't1', context_id: 'c1', status: { state: 'TASK_STATE_WORKING' } }, 'result.contextId: required, found nothing (context_id is set'],
    ['SendMessage', { task: { id: 't1' }, message: {} }, 'result: expected exactly one of task or message, found task and message'],
    ['SubscribeToTask', {}, 'result: expected exactly one of task, message, statusUpdate or artifactUpdate, found none of them'],
    ['ListTasks', { tasks: [] }, 'result.nextPageToken: required, found nothing'],
    ['CancelTask', { id: 't1', contextId: 'c1', status: { state: 'TASK_STATE_CANCELED' }, artifacts: [{ artifactId: 'a', parts: [] }] }, 'result.artifacts[0].parts: expected at least one item'],
  ];
  it.each(cases)('%s: %j', (method, result, text) => {
    const parsed = parseResult(method, result);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.code).toBe(A2A_ERRORS.InvalidAgentResponse);
    expect(parsed.error.message).toContain(text);
  });
});
