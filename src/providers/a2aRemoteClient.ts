/**
 * The host side of remote agents: the official A2A SDK client (`@a2a-js/sdk/client`, JSON-RPC)
 * in the studio's worker and the CLI. It reads an Agent Card and sends the messages the kernel
 * decided (A2aPort); every failure becomes a message that says what to do, and never holds an
 * auth header's value.
 */
import { ClientFactory, DefaultAgentCardResolver, JsonRpcTransportFactory, type Client } from '@a2a-js/sdk/client';
import { Role, TaskState, type AgentCard, type Message, type Part, type Task } from '@a2a-js/sdk';
import type { A2aPort, A2aSendRequest, A2aSendResult, RemoteAgentSpec, TaskState as KernelTaskState } from '../kernel';

/** A skill as the card lists it. */
export interface RemoteSkill {
  id: string;
  name: string;
  description: string;
  inputModes: string[];
  outputModes: string[];
}

/** What the studio shows of a remote agent's card. */
export interface RemoteCardSummary {
  /** The card's URL as fetched. */
  url: string;
  name: string;
  description: string;
  version: string;
  /** The JSON-RPC endpoint the card names (where messages go). */
  endpoint: string;
  skills: RemoteSkill[];
  defaultInputModes: string[];
  defaultOutputModes: string[];
  streaming: boolean;
  /** The card's security schemes by name (e.g. a bearer token): a header is then needed. */
  security: string[];
}

/** Why a remote agent could not be used, in words a person can act on. */
export class A2aRemoteError extends Error {
  constructor(
    readonly kind: 'cors' | 'unreachable' | 'auth' | 'http' | 'card' | 'protocol',
    message: string,
  ) {
    super(message);
    this.name = 'A2aRemoteError';
  }
}

export interface A2aRemoteOptions {
  /** The fetch to use (tests count requests; the global one by default). */
  fetch?: typeof fetch;
  /** The page's origin when in a browser: a refused request is then explained as CORS. */
  origin?: string;
}

/** What a remote agent's server must send for a page to use it (the browser enforces CORS; Node does not). */
export function a2aCorsAdvice(origin: string): string {
  return `A remote agent used from the studio must allow this page's origin (${origin}) with CORS on its Agent Card and its JSON-RPC endpoint: answer preflights with Access-Control-Allow-Origin, Access-Control-Allow-Methods GET, POST and Access-Control-Allow-Headers content-type, a2a-version, a2a-extensions (and authorization when you send one). The CLI (harness run) is not a browser and needs none of this.`;
}

const WELL_KNOWN = '/.well-known/agent-card.json';

/** The card's URL: as given, or the well-known path when only the agent's base URL was given. */
export function cardUrlOf(url: string): string {
  const m = /^(https?:\/\/[^/?#]+)\/?$/.exec(url.trim());
  return m ? `${m[1]}${WELL_KNOWN}` : url.trim();
}

function text(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function causeOf(err: unknown): string | undefined {
  const cause = err instanceof Error ? (err as { cause?: unknown }).cause : undefined;
  return cause instanceof Error ? cause.message : undefined;
}

/** A request that got no response: a CORS refusal in a browser looks exactly like a server that is down. */
function noResponse(url: string, err: unknown, origin: string | undefined): A2aRemoteError {
  if (origin !== undefined) return new A2aRemoteError('cors', `Cannot reach remote agent ${url} from this page: it is not running, or it refuses this origin (CORS). ${a2aCorsAdvice(origin)}`);
  return new A2aRemoteError('unreachable', `Cannot reach remote agent ${url} (${causeOf(err) ?? text(err)}): is it running, and is the URL right?`);
}

const isNoResponse = (err: unknown): boolean => err instanceof TypeError || /fetch failed|failed to fetch|networkerror|load failed|ECONNREFUSED/i.test(text(err));

/** A failed HTTP answer, explained. */
function httpStatus(url: string, status: number, what: string): A2aRemoteError {
  if (status === 401 || status === 403) {
    return new A2aRemoteError('auth', `Remote agent ${url} refused the request (HTTP ${status}): it needs an auth header. Give it in the remote agent's settings (the studio) or through the environment variable named by its "auth.env" (the CLI).`);
  }
  return new A2aRemoteError('http', `Remote agent ${url} answered HTTP ${status} to ${what}.`);
}

/** Fetches and reads an Agent Card (A2A 1.0; a v0.3 card is translated by the SDK). */
export async function fetchAgentCard(url: string, headers: Readonly<Record<string, string>>, opts: A2aRemoteOptions = {}): Promise<AgentCard> {
  const cardUrl = cardUrlOf(url);
  if (!/^https?:\/\/[^\s/@]+(?:[/?#][^\s]*)?$/.test(cardUrl)) {
    throw new A2aRemoteError('card', `"${url}" is not an http:// or https:// URL without credentials: give the remote agent's Agent Card URL, e.g. http://127.0.0.1:4000${WELL_KNOWN}`);
  }
  const base = opts.fetch ?? fetch;
  let res: Response;
  try {
    res = await base(cardUrl, { headers: { accept: 'application/json', ...headers } });
  } catch (err) {
    if (isNoResponse(err)) throw noResponse(cardUrl, err, opts.origin);
    throw new A2aRemoteError('protocol', `Remote agent ${cardUrl}: ${text(err)}`);
  }
  if (!res.ok) throw httpStatus(cardUrl, res.status, 'the request for its Agent Card');
  let json: unknown;
  try {
    json = await res.json();
  } catch {
    throw new A2aRemoteError('card', `${cardUrl} did not answer JSON: give the URL of an A2A Agent Card (often ending in ${WELL_KNOWN}).`);
  }
  if (!json || typeof json !== 'object' || typeof (json as { name?: unknown }).name !== 'string') {
    throw new A2aRemoteError('card', `${cardUrl} answered JSON that is not an A2A Agent Card (no "name"): give the URL of an Agent Card (often ending in ${WELL_KNOWN}).`);
  }
  return new DefaultAgentCardResolver({ legacyCompat: { enabled: true } }).normalizeAgentCard(json);
}

/** The JSON-RPC endpoint a card names, or null. */
function jsonRpcEndpoint(card: AgentCard): string | null {
  return card.supportedInterfaces.find((i) => i.protocolBinding.toUpperCase() === 'JSONRPC')?.url ?? null;
}

/** What the studio shows of a card. */
export function summarizeCard(url: string, card: AgentCard): RemoteCardSummary {
  return {
    url: cardUrlOf(url), name: card.name, description: card.description, version: card.version,
    endpoint: jsonRpcEndpoint(card) ?? '', streaming: card.capabilities?.streaming === true,
    defaultInputModes: [...card.defaultInputModes], defaultOutputModes: [...card.defaultOutputModes],
    skills: card.skills.map((s) => ({ id: s.id, name: s.name, description: s.description, inputModes: [...s.inputModes], outputModes: [...s.outputModes] })),
    security: Object.keys(card.securitySchemes ?? {}),
  };
}

/** A fetch that adds `headers` to every request (an auth header: never logged, never returned). */
function withHeaders(base: typeof fetch, headers: Readonly<Record<string, string>>): typeof fetch {
  if (Object.keys(headers).length === 0) return base;
  return (input, init) => {
    const h = new Headers(init?.headers);
    for (const [k, v] of Object.entries(headers)) if (!h.has(k)) h.set(k, v);
    return base(input, { ...init, headers: h });
  };
}

/** A client for one remote agent, from its card. */
export async function openRemote(url: string, headers: Readonly<Record<string, string>>, opts: A2aRemoteOptions = {}): Promise<{ card: AgentCard; client: Client }> {
  const card = await fetchAgentCard(url, headers, opts);
  if (jsonRpcEndpoint(card) === null) {
    throw new A2aRemoteError('card', `The Agent Card at ${cardUrlOf(url)} offers no JSON-RPC interface (it lists ${card.supportedInterfaces.map((i) => i.protocolBinding).join(', ') || 'none'}): the studio and the CLI send messages over JSON-RPC.`);
  }
  const fetchImpl = withHeaders(opts.fetch ?? ((input, init) => fetch(input, init)), headers);
  const factory = new ClientFactory({ transports: [new JsonRpcTransportFactory({ fetchImpl })] });
  return { card, client: await factory.createFromAgentCard(card) };
}

const STATE_NAMES: Partial<Record<TaskState, KernelTaskState>> = {
  [TaskState.TASK_STATE_SUBMITTED]: 'TASK_STATE_SUBMITTED',
  [TaskState.TASK_STATE_WORKING]: 'TASK_STATE_WORKING',
  [TaskState.TASK_STATE_COMPLETED]: 'TASK_STATE_COMPLETED',
  [TaskState.TASK_STATE_FAILED]: 'TASK_STATE_FAILED',
  [TaskState.TASK_STATE_CANCELED]: 'TASK_STATE_CANCELED',
  [TaskState.TASK_STATE_INPUT_REQUIRED]: 'TASK_STATE_INPUT_REQUIRED',
  [TaskState.TASK_STATE_REJECTED]: 'TASK_STATE_REJECTED',
  [TaskState.TASK_STATE_AUTH_REQUIRED]: 'TASK_STATE_AUTH_REQUIRED',
};

/** Parts as text: text parts as they are, other parts named (a replay reads exactly this). */
export function partsText(parts: readonly Part[]): string {
  return parts.map((p) => {
    const c = p.content;
    if (!c) return '';
    if (c.$case === 'text') return c.value;
    if (c.$case === 'data') return JSON.stringify(c.value);
    if (c.$case === 'url') return `[file ${p.filename || c.value}${p.mediaType ? `, ${p.mediaType}` : ''}]`;
    return `[file ${p.filename || 'bytes'}${p.mediaType ? `, ${p.mediaType}` : ''}, ${c.value.length} bytes]`;
  }).filter((t) => t !== '').join('\n');
}

const isTask = (r: Message | Task): r is Task => 'status' in r && 'id' in r;

/** What a `message/send` answered, as the kernel records it: a task's state and its text (status message, else artifacts), or a message (completed). */
export function sendResult(r: Message | Task): A2aSendResult {
  if (!isTask(r)) return { ok: true, state: 'TASK_STATE_COMPLETED', text: partsText(r.parts), ...(r.taskId ? { taskId: r.taskId } : {}), ...(r.contextId ? { contextId: r.contextId } : {}) };
  const state = STATE_NAMES[r.status?.state ?? TaskState.TASK_STATE_UNSPECIFIED] ?? 'TASK_STATE_WORKING';
  const status = r.status?.message ? partsText(r.status.message.parts) : '';
  const artifacts = r.artifacts.map((a) => partsText(a.parts)).filter((t) => t !== '').join('\n');
  const body = [artifacts, status].filter((t) => t !== '').join('\n');
  const failed = state === 'TASK_STATE_FAILED' || state === 'TASK_STATE_REJECTED' || state === 'TASK_STATE_CANCELED';
  return { ok: !failed, state, text: body, taskId: r.id, contextId: r.contextId };
}

/** The SDK message for one kernel message (the text, then each fact as a part tagged fact). */
export function outgoingMessage(req: A2aSendRequest): Message {
  const part = (t: string, tag?: string): Part => ({ content: { $case: 'text', value: t }, metadata: tag ? { tag } : undefined, filename: '', mediaType: 'text/plain' });
  return {
    messageId: `${req.msgId}-${req.agent}`, role: Role.ROLE_USER, parts: [part(req.text), ...req.facts.map((f) => part(f, 'fact'))],
    contextId: req.contextId ?? '', taskId: req.taskId ?? '', metadata: { from: req.agent }, extensions: [], referenceTaskIds: [],
  };
}

/** Where a remote agent's auth header comes from: the studio's settings, or the environment in the CLI. */
export type RemoteHeaders = (remote: RemoteAgentSpec) => Promise<Record<string, string>>;

/**
 * The kernel's A2aPort: one client per remote agent (its card fetched on first use), each message
 * sent blocking with `message/send`. A failed connection throws, and the kernel records it as the
 * remote's failed answer, so a replay fails the same way without the network.
 */
export class A2aRemoteHub implements A2aPort {
  private readonly clients = new Map<string, Promise<Client>>();
  /** Messages sent to remote agents (tests count them). */
  sends = 0;

  constructor(private readonly headers: RemoteHeaders, private readonly opts: A2aRemoteOptions = {}) {}

  private client(remote: RemoteAgentSpec): Promise<Client> {
    const key = remote.url;
    let c = this.clients.get(key);
    if (!c) {
      c = this.headers(remote).then((h) => openRemote(remote.url, h, this.opts)).then((r) => r.client);
      // A failed open is retried by the next message (the remote may have started since).
      c.catch(() => this.clients.delete(key));
      this.clients.set(key, c);
    }
    return c;
  }

  async send(req: A2aSendRequest): Promise<A2aSendResult> {
    this.sends += 1;
    const client = await this.client(req.remote);
    let r: Message | Task;
    try {
      r = await client.sendMessage({ tenant: '', message: outgoingMessage(req), configuration: undefined, metadata: undefined });
    } catch (err) {
      if (isNoResponse(err)) throw noResponse(req.remote.url, err, this.opts.origin);
      const status = /\b(401|403)\b/.exec(text(err))?.[1];
      if (status) throw httpStatus(req.remote.url, Number(status), 'a message');
      throw new A2aRemoteError('protocol', `Remote agent ${req.remote.url}: ${text(err)}`);
    }
    return sendResult(r);
  }

  /** Forgets every client (auth changed: the next message opens anew). */
  reset(): void {
    this.clients.clear();
  }
}
