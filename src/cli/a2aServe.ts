/**
 * `harness serve FILE`: the harness's agents over A2A 1.0 (JSON-RPC binding, SSE streaming; A2A 0.3
 * clients through the SDK's compat layer), built from @a2a-js/sdk's server classes: per served
 * agent an Agent Card (the kernel's agentCard(), with its interface URL on this server) at `/a2a/<agent>/.well-known/agent-card.json`, and its JSON-RPC
 * endpoint at `/a2a/<agent>` (DefaultRequestHandler, an in-memory task store, the executor of
 * a2aServeExecutor.ts). With a bearer token the cards declare an HTTP bearer scheme and every
 * JSON-RPC request without the token is refused with 401; the cards stay readable.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { AgentCard as SdkAgentCard } from '@a2a-js/sdk';
import { DefaultRequestHandler, InMemoryTaskStore } from '@a2a-js/sdk/server';
import { UserBuilder, agentCardHandler, jsonRpcHandler } from '@a2a-js/sdk/server/express';
import { agentCard, loadEncodingsFor, secretValues, type AgentCard, type Cpu, type HarnessSpec, type McpPort, type A2aPort } from '../kernel';
import { KernelAgentExecutor, type ServeApprove } from './a2aServeExecutor';
import { DEFAULT_MAX_WALL_S } from './commands';
import { verifiedSignatures, type CliTrust } from './trustStore';

export type { ServeApprove } from './a2aServeExecutor';

/** How to serve a harness. */
export interface ServeOptions {
  /** 0: a free port. */
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The agents to serve (ids); default every agent of the document. */
  agents?: readonly string[];
  /** When set, JSON-RPC requests need `Authorization: Bearer <token>`. */
  token?: string;
  /** Seed of every run (default 1). */
  seed?: number;
  /** Permission asks: forwarded to the caller (`ask`, the default), or approved / denied by the server. */
  approve?: ServeApprove;
  /** CPUs of the real models, by provider (the sim is built in). */
  cpus?: Record<string, Cpu>;
  /** The MCP client the runs' MCP tools call through. */
  mcp?: McpPort;
  /** The A2A client the runs' messages to remote agents go through. */
  a2a?: A2aPort;
  /** Values never sent to a caller besides the document's declared secrets and the token (e.g. API keys). */
  secrets?: readonly string[];
  /** Pages of these origins may call the server from a browser (loopback origins always may). */
  allowOrigins?: readonly string[];
  /** Wall clock in ms (status timestamps, the ceiling); default Date.now. */
  now?: () => number;
  /** Wall-clock ceiling of one turn of a task in ms (default 600 s, as `harness run`'s). */
  maxWallMs?: number;
  /** Receives each task's trace (JSONL, secrets redacted) when the task ends or the server closes. */
  writeTrace?: (taskId: string, jsonl: string) => void;
  /** The trusted signer keys (trustStore.ts): under requireSigned only their signatures count; none: any valid signature does. */
  trust?: CliTrust | null;
}

/** One served agent. */
export interface ServedAgent {
  agent: string;
  name: string;
  /** Where its Agent Card is: `ClientFactory.createFromUrl(cardUrl, '')`. */
  cardUrl: string;
  /** Its JSON-RPC endpoint (the card's interface URL). */
  url: string;
  /** The card as served (A2A 1.0 JSON). */
  card: AgentCard & Record<string, unknown>;
}

/** A running server. */
export interface A2aServer {
  /** `http://host:port`. */
  baseUrl: string;
  agents: ServedAgent[];
  /** The card URLs, one per served agent, in document order. */
  urls: string[];
  /** Stops serving; runs still waiting on their callers are dropped. */
  close(): Promise<void>;
}

/** Why the options cannot serve this document (an unknown agent, no agents), or null. */
export function serveProblem(spec: HarnessSpec, agents: readonly string[] | undefined): string | null {
  if (spec.agents.length === 0) return `harness "${spec.name}" has no agents to serve`;
  const known = spec.agents.map((a) => a.id);
  const unknown = (agents ?? []).find((a) => !known.includes(a));
  return unknown === undefined ? null : `--agent: harness "${spec.name}" has no agent "${unknown}" (its agents: ${known.join(', ')})`;
}

const LOOPBACK_HOST = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\]|::1)$/;
const isLoopbackOrigin = (origin: string): boolean => /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(origin);
const hostName = (hostHeader: string | undefined): string => (hostHeader ?? '').replace(/:\d+$/, '');

/** The card of a served agent: the kernel's, with streaming on, its endpoint also declared for A2A 0.3 and, with a token, a bearer scheme required. */
export function servedCard(spec: HarnessSpec, agentId: string, baseUrl: string, withToken: boolean): AgentCard & Record<string, unknown> {
  const kernelCard = agentCard(spec, agentId, { baseUrl });
  // The same endpoint also answers A2A 0.3 clients (message/send, message/stream): the SDK's compat layer needs it declared.
  const card = { ...kernelCard, supportedInterfaces: [...kernelCard.supportedInterfaces, { ...kernelCard.supportedInterfaces[0]!, protocolVersion: '0.3' }] };
  const capabilities = { ...card.capabilities!, streaming: true };
  if (!withToken) return { ...card, capabilities };
  return {
    ...card,
    capabilities,
    securitySchemes: { bearer: { httpAuthSecurityScheme: { scheme: 'Bearer', description: 'The token harness serve was started with (--token-env).', bearerFormat: '' } } } as unknown as AgentCard['securitySchemes'],
    securityRequirements: [{ schemes: { bearer: { list: [] } } }],
  };
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Express middleware: a request without `Authorization: Bearer <token>` gets 401 and a JSON-RPC error. */
function requireBearer(token: string) {
  const want = digest(token);
  return (req: Request, res: Response, next: NextFunction): void => {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.header('authorization') ?? '');
    // Digests have equal lengths, so the comparison takes the same time whatever was sent.
    if (m && timingSafeEqual(digest(m[1]!), want)) return next();
    res
      .status(401)
      .setHeader('WWW-Authenticate', 'Bearer realm="harness serve"')
      .json({ jsonrpc: '2.0', id: null, error: { code: -32600, message: m ? 'Unauthorized: the bearer token is not the one this server accepts' : 'Unauthorized: this agent needs Authorization: Bearer <token> (its Agent Card declares the scheme)' } });
  };
}

/** Starts serving; resolves once it listens (rejects when it cannot, e.g. the port is in use). */
export async function startA2aServer(spec: HarnessSpec, opts: ServeOptions): Promise<A2aServer> {
  const problem = serveProblem(spec, opts.agents);
  if (problem !== null) throw new Error(problem);
  const host = opts.host ?? '127.0.0.1';
  const served = opts.agents && opts.agents.length > 0 ? spec.agents.filter((a) => opts.agents!.includes(a.id)) : spec.agents;
  const loopback = LOOPBACK_HOST.test(host);
  const allowed = new Set(opts.allowOrigins ?? []);
  await loadEncodingsFor(spec);
  // Signatures in the document are checked with WebCrypto, against the trust store, before any run sees the digests (as harness run does).
  const signatures = await verifiedSignatures(spec, opts.trust);

  const app = express();
  app.disable('x-powered-by');
  const server: Server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  // Bound to loopback: only a loopback Host is answered, so a web page elsewhere cannot reach the agents (DNS rebinding).
  if (loopback) {
    app.use((req, res, next) => {
      if (LOOPBACK_HOST.test(hostName(req.header('host')))) return next();
      res.status(403).json({ error: `harness serve answers only requests to ${baseUrl} (this server is bound to ${host})` });
    });
  }
  // CORS: the studio (a page on a loopback origin) may call the agents from the browser.
  app.use((req, res, next) => {
    const origin = req.header('origin');
    if (origin !== undefined) {
      if (!isLoopbackOrigin(origin) && !allowed.has(origin)) {
        res.status(403).json({ error: `pages from ${origin} may not call this server (start it with --allow-origin ${origin})` });
        return;
      }
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Allow-Headers', 'content-type, authorization, a2a-version, a2a-extensions');
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      if (req.method === 'OPTIONS') {
        res.status(204).end();
        return;
      }
    }
    next();
  });

  const executors: KernelAgentExecutor[] = [];
  // The document's declared secrets are never sent either, whoever started the server.
  const secrets = [...new Set([...secretValues(spec), ...(opts.secrets ?? []), ...(opts.token ? [opts.token] : [])])].sort((a, b) => b.length - a.length);
  const host0 = { spec, seed: opts.seed ?? 1, cpus: opts.cpus ?? {}, ...(opts.mcp ? { mcp: opts.mcp } : {}), ...(opts.a2a ? { a2a: opts.a2a } : {}), ...(signatures ? { signatures } : {}), approve: opts.approve ?? 'ask', secrets, now: opts.now ?? Date.now, maxWallMs: opts.maxWallMs ?? DEFAULT_MAX_WALL_S * 1000, ...(opts.writeTrace ? { writeTrace: opts.writeTrace } : {}) };
  const agents: ServedAgent[] = [];
  for (const a of served) {
    const card = servedCard(spec, a.id, baseUrl, opts.token !== undefined);
    const path = `/a2a/${encodeURIComponent(a.id)}`;
    const executor = new KernelAgentExecutor(host0, a.id);
    executors.push(executor);
    const handler = new DefaultRequestHandler(SdkAgentCard.fromJSON(card), new InMemoryTaskStore(), executor);
    // The card is served as A2A 1.0 JSON (ProtoJSON), as the kernel writes it; clients parse it back.
    const cardRoute = agentCardHandler({ agentCardProvider: async () => card as unknown as SdkAgentCard, cache: { maxAge: 0 } });
    app.use(`${path}/.well-known/agent-card.json`, cardRoute);
    if (served.length === 1) app.use('/.well-known/agent-card.json', cardRoute);
    // A request without an A2A-Version header is A2A 0.3 (the spec's default): the SDK's compat layer serves it.
    const rpc = jsonRpcHandler({ requestHandler: handler, userBuilder: UserBuilder.noAuthentication, legacyCompat: { enabled: true } });
    if (opts.token !== undefined) app.use(path, requireBearer(opts.token), rpc);
    else app.use(path, rpc);
    agents.push({ agent: a.id, name: a.name, cardUrl: `${baseUrl}${path}/.well-known/agent-card.json`, url: card.supportedInterfaces[0]!.url, card });
  }
  app.use((req, res) => {
    res.status(404).json({ error: `nothing at ${req.path}: the agents are at ${agents.map((a) => a.cardUrl).join(', ')}` });
  });

  return {
    baseUrl,
    agents,
    urls: agents.map((a) => a.cardUrl),
    async close() {
      for (const e of executors) e.closeAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
