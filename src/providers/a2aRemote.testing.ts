/**
 * A remote agent for tests, built only from @a2a-js/sdk's server classes (DefaultRequestHandler,
 * InMemoryTaskStore, an AgentExecutor, the express handlers), on 127.0.0.1. It counts the
 * requests that reach it, so a test can prove a denied message or a replay sent nothing.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { AGENT_CARD_PATH, Role, TaskState, type AgentCard, type Message } from '@a2a-js/sdk';
import { AgentEvent, DefaultRequestHandler, InMemoryTaskStore, type AgentExecutor, type RequestContext } from '@a2a-js/sdk/server';
import { UserBuilder, agentCardHandler, jsonRpcHandler } from '@a2a-js/sdk/server/express';

/** What the test agent does with a message: its answer's task state and text. */
export type TestAnswer = (text: string, ctx: { taskId: string; contextId: string; turn: number }) => { state: 'completed' | 'input-required' | 'failed'; text: string };

export interface TestAgentOptions {
  name?: string;
  port?: number;
  answer?: TestAnswer;
  /** A bearer token every request must carry (the card declares it). */
  token?: string;
  /** CORS: the origin allowed (a studio page), or '*' */
  cors?: string;
}

export interface TestAgent {
  /** The Agent Card's URL. */
  cardUrl: string;
  /** JSON-RPC requests that reached the agent (message/send and others), and card fetches. */
  rpcRequests: number;
  cardRequests: number;
  /** The texts the agent received, in order. */
  received: string[];
  close(): Promise<void>;
}

const STATES = { completed: TaskState.TASK_STATE_COMPLETED, 'input-required': TaskState.TASK_STATE_INPUT_REQUIRED, failed: TaskState.TASK_STATE_FAILED } as const;

const textOf = (m: Message): string => m.parts.map((p) => (p.content?.$case === 'text' ? p.content.value : '')).join('\n');

/** Starts the test agent; `close` stops it. */
export async function startTestAgent(opts: TestAgentOptions = {}): Promise<TestAgent> {
  const answer: TestAnswer = opts.answer ?? ((text) => ({ state: 'completed', text: `translated: ${text.toUpperCase()}` }));
  const received: string[] = [];
  const turns = new Map<string, number>();
  const executor: AgentExecutor = {
    async execute(rc: RequestContext, bus) {
      const text = textOf(rc.userMessage);
      received.push(text);
      const turn = (turns.get(rc.taskId) ?? 0) + 1;
      turns.set(rc.taskId, turn);
      const a = answer(text, { taskId: rc.taskId, contextId: rc.contextId, turn });
      if (!rc.task) bus.publish(AgentEvent.task({ id: rc.taskId, contextId: rc.contextId, status: { state: TaskState.TASK_STATE_SUBMITTED, message: undefined, timestamp: undefined }, artifacts: [], history: [rc.userMessage], metadata: undefined }));
      const reply: Message = { messageId: `${rc.taskId}-${turn}`, role: Role.ROLE_AGENT, parts: [{ content: { $case: 'text', value: a.text }, metadata: undefined, filename: '', mediaType: 'text/plain' }], contextId: rc.contextId, taskId: rc.taskId, metadata: undefined, extensions: [], referenceTaskIds: [] };
      bus.publish(AgentEvent.statusUpdate({ taskId: rc.taskId, contextId: rc.contextId, status: { state: STATES[a.state], message: reply, timestamp: undefined }, metadata: undefined }));
      bus.finished();
    },
    async cancelTask() {},
  };
  const app = express();
  const counts = { rpc: 0, card: 0 };
  if (opts.cors) {
    app.use((req, res, next) => {
      res.setHeader('Access-Control-Allow-Origin', opts.cors!);
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'content-type, a2a-version, a2a-extensions, authorization');
      if (req.method === 'OPTIONS') return void res.status(204).end();
      next();
    });
  }
  app.use((req, _res, next) => {
    if (req.method === 'POST') counts.rpc += 1;
    else if (req.method === 'GET') counts.card += 1;
    next();
  });
  if (opts.token) {
    app.use('/a2a', (req, res, next) => {
      if (req.headers.authorization !== `Bearer ${opts.token}`) return void res.status(401).json({ error: 'a bearer token is required' });
      next();
    });
  }
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(opts.port ?? 0, '127.0.0.1', () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const card: AgentCard = {
    name: opts.name ?? 'Translator', description: 'Translates text (a test agent built from the A2A SDK)', version: '1.0.0',
    supportedInterfaces: [{ url: `${base}/a2a/jsonrpc`, protocolBinding: 'JSONRPC', tenant: '', protocolVersion: '1.0' }],
    provider: undefined, capabilities: { streaming: false, pushNotifications: false, extensions: [] },
    securitySchemes: opts.token ? { bearer: { scheme: { $case: 'httpAuthSecurityScheme', value: { description: '', scheme: 'Bearer', bearerFormat: '' } } } } : {},
    securityRequirements: opts.token ? [{ schemes: { bearer: { list: [] } } }] : [],
    defaultInputModes: ['text/plain'], defaultOutputModes: ['text/plain'],
    skills: [{ id: 'translate', name: 'Translate', description: 'Translates a text', tags: ['language'], examples: [], inputModes: ['text/plain'], outputModes: ['text/plain'], securityRequirements: [] }],
    signatures: [],
  };
  const handler = new DefaultRequestHandler(card, new InMemoryTaskStore(), executor);
  app.use(`/${AGENT_CARD_PATH}`, agentCardHandler({ agentCardProvider: handler }));
  app.use('/a2a/jsonrpc', jsonRpcHandler({ requestHandler: handler, userBuilder: UserBuilder.noAuthentication }));
  const agent: TestAgent = {
    cardUrl: `${base}/${AGENT_CARD_PATH}`,
    get rpcRequests() { return counts.rpc; },
    get cardRequests() { return counts.card; },
    received,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
  return agent;
}
