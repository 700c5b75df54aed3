/**
 * The host side of MCP tools: the official SDK client (`@modelcontextprotocol/sdk`) over
 * Streamable HTTP (the studio's worker, the CLI) or any transport the host opens (the CLI's stdio).
 * It lists a server's tools and makes the calls the kernel decided (McpPort); every failure
 * becomes a message that says what to do, and never holds an auth header's value.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import type { McpCallRequest, McpCallResult, McpPort, McpServerSpec } from '../kernel';

/** A tool as a server lists it. */
export interface McpToolInfo {
  name: string;
  title?: string;
  description: string;
  /** JSON Schema of its arguments object. */
  inputSchema: Record<string, unknown>;
  annotations?: { readOnlyHint?: boolean; destructiveHint?: boolean; idempotentHint?: boolean; openWorldHint?: boolean };
}

/** Why a server could not be used, in words a person can act on. */
export class McpConnectionError extends Error {
  constructor(
    readonly kind: 'cors' | 'unreachable' | 'session' | 'auth' | 'http' | 'protocol',
    message: string,
  ) {
    super(message);
    this.name = 'McpConnectionError';
  }
}

export interface McpHttpOptions {
  /** Headers sent with every request (an auth header from settings or the environment). */
  headers?: Readonly<Record<string, string>>;
  /** The fetch to use (tests count requests; the global one by default). */
  fetch?: typeof fetch;
  /** The page's origin when in a browser: a refused request is then explained as CORS. */
  origin?: string;
}

const CLIENT_INFO = { name: 'harness-studio', version: '0.1.0' };

/** What a server must send for a page to use it (the browser enforces CORS; Node does not). */
export function corsAdvice(origin: string): string {
  return `A server used from the studio must allow this page's origin (${origin}) with CORS: answer preflights with Access-Control-Allow-Origin, Access-Control-Allow-Methods GET, POST, DELETE and Access-Control-Allow-Headers content-type, accept, mcp-protocol-version, mcp-session-id, last-event-id (and authorization when you send one), and expose the session header with Access-Control-Expose-Headers: Mcp-Session-Id. For a local stdio server, run it behind "harness mcp-proxy -- COMMAND ARGS", which does all of this.`;
}

/** An open connection to one MCP server. */
export class McpSession {
  private constructor(
    private readonly client: Client,
    /** The server as named in messages (its URL or command; never a header). */
    readonly label: string,
  ) {}

  /** Connects over `transport` and initialises the session; failures are McpConnectionError. */
  static async open(transport: Transport, label: string, explain: (err: unknown) => McpConnectionError = (err) => plainError(label, err)): Promise<McpSession> {
    const client = new Client(CLIENT_INFO, { capabilities: {} });
    try {
      await client.connect(transport);
    } catch (err) {
      await client.close().catch(() => undefined);
      throw explain(err);
    }
    return new McpSession(client, label);
  }

  /** Connects to a Streamable HTTP endpoint. */
  static async http(url: string, opts: McpHttpOptions = {}): Promise<McpSession> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new McpConnectionError('http', `"${url}" is not a URL: give the server's Streamable HTTP endpoint, e.g. http://127.0.0.1:3001/mcp`);
    }
    // Whether the server has answered a request yet: a 400 after that, with no session id, is a hidden session header.
    const seen = { answered: false };
    const base = opts.fetch ?? fetch;
    const watched: typeof fetch = async (input, init) => {
      const res = await base(input, init);
      if (res.ok) seen.answered = true;
      return res;
    };
    const transport = new StreamableHTTPClientTransport(parsed, {
      ...(opts.headers ? { requestInit: { headers: { ...opts.headers } } } : {}),
      fetch: watched,
    });
    const explain = (err: unknown): McpConnectionError => httpError(url, err, opts.origin, transport.sessionId === undefined && seen.answered);
    const session = await McpSession.open(transport, url, explain);
    session.explain = explain;
    return session;
  }

  private explain: (err: unknown) => McpConnectionError = (err) => plainError(this.label, err);

  /** The server's name and version as it introduced itself. */
  serverInfo(): { name: string; version: string } {
    const v = this.client.getServerVersion();
    return { name: v?.name ?? '', version: v?.version ?? '' };
  }

  /** Every tool the server lists (all pages). */
  async listTools(): Promise<McpToolInfo[]> {
    const out: McpToolInfo[] = [];
    let cursor: string | undefined;
    try {
      do {
        const page = await this.client.listTools(cursor === undefined ? {} : { cursor });
        for (const t of page.tools) {
          out.push({
            name: t.name, description: t.description ?? '', inputSchema: { ...t.inputSchema },
            ...(t.title ? { title: t.title } : {}), ...(t.annotations ? { annotations: { ...t.annotations } } : {}),
          });
        }
        cursor = page.nextCursor;
      } while (cursor);
    } catch (err) {
      throw this.explain(err);
    }
    return out;
  }

  /**
   * Calls a tool. A tool's own error (`isError`, or the server refusing the arguments) is a
   * result with ok false; a connection that fails throws McpConnectionError.
   */
  async call(tool: string, args: Readonly<Record<string, unknown>>, onProgress?: (p: { progress: number; total?: number }) => void): Promise<McpCallResult> {
    let last: { progress: number; total?: number } | undefined;
    let result;
    try {
      result = await this.client.callTool({ name: tool, arguments: { ...args } }, undefined, {
        onprogress: (p) => {
          last = { progress: p.progress, ...(p.total !== undefined ? { total: p.total } : {}) };
          onProgress?.(last);
        },
        // A long-running tool that reports progress keeps its call alive.
        resetTimeoutOnProgress: true,
      });
    } catch (err) {
      // A JSON-RPC error from the server (unknown tool, invalid params) is the tool's answer.
      if (isJsonRpcError(err)) return { ok: false, isError: true, text: err.message, ...(last ? { progress: last } : {}) };
      throw this.explain(err);
    }
    const isError = result.isError === true;
    return { ok: !isError, text: resultText(result), ...(isError ? { isError: true } : {}), ...(last ? { progress: last } : {}) };
  }

  async close(): Promise<void> {
    await this.client.close().catch(() => undefined);
  }
}

function isJsonRpcError(err: unknown): err is McpError {
  // McpError carries the server's JSON-RPC error (or the SDK's timeout); transport failures are other errors.
  return err instanceof McpError;
}

/** A tool result's content as text: text parts as they are, other parts named (a replay reads exactly this). */
export function resultText(result: Record<string, unknown>): string {
  const content = Array.isArray(result.content) ? (result.content as Array<Record<string, unknown>>) : [];
  const parts = content.map((c) => {
    if (c.type === 'text' && typeof c.text === 'string') return c.text;
    if (c.type === 'image' || c.type === 'audio') return `[${String(c.type)} ${String(c.mimeType ?? '')}, ${typeof c.data === 'string' ? Math.floor((c.data.length * 3) / 4) : 0} bytes]`;
    if (c.type === 'resource_link') return `[resource link ${String(c.uri ?? '')}${c.name ? ` (${String(c.name)})` : ''}]`;
    if (c.type === 'resource' && c.resource && typeof c.resource === 'object') {
      const r = c.resource as Record<string, unknown>;
      return typeof r.text === 'string' ? `[resource ${String(r.uri ?? '')}]\n${r.text}` : `[resource ${String(r.uri ?? '')}, ${String(r.mimeType ?? 'binary')}]`;
    }
    return `[${String(c.type ?? 'unknown')} content]`;
  });
  if (parts.length === 0 && result.structuredContent !== undefined) return JSON.stringify(result.structuredContent);
  return parts.join('\n');
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function plainError(label: string, err: unknown): McpConnectionError {
  if (err instanceof McpConnectionError) return err;
  return new McpConnectionError('protocol', `MCP server ${label}: ${message(err)}`);
}

/** A failed request to a Streamable HTTP server, explained: CORS, unreachable, session header hidden, auth, HTTP status. */
function httpError(url: string, err: unknown, origin: string | undefined, sessionHidden: boolean): McpConnectionError {
  if (err instanceof McpConnectionError) return err;
  const text = message(err);
  const status = err instanceof StreamableHTTPError ? err.code : undefined;
  if (status === 401 || status === 403) {
    return new McpConnectionError('auth', `MCP server ${url} refused the request (HTTP ${status}): it needs an auth header. Give it in the server's settings (the studio) or through the environment variable named by its "auth.env" (the CLI).`);
  }
  if (status === 400 && sessionHidden) {
    return new McpConnectionError('session', `MCP server ${url} answered the first request but refused the next (${text}): this page could not read its Mcp-Session-Id header, so the server must send Access-Control-Expose-Headers: Mcp-Session-Id.${origin !== undefined ? ` ${corsAdvice(origin)}` : ''}`);
  }
  if (status !== undefined && status !== -1) return new McpConnectionError('http', `MCP server ${url} answered HTTP ${status}: ${text}. Check that the URL is its Streamable HTTP endpoint (often ending in /mcp).`);
  // fetch rejects with a TypeError when no response arrived: in a browser a CORS refusal looks exactly like this.
  const noResponse = err instanceof TypeError || /fetch failed|failed to fetch|networkerror|load failed|ECONNREFUSED/i.test(text);
  if (noResponse && origin !== undefined) {
    return new McpConnectionError('cors', `Cannot reach MCP server ${url} from this page: it is not running, or it refuses this origin (CORS). ${corsAdvice(origin)}`);
  }
  if (noResponse) return new McpConnectionError('unreachable', `Cannot reach MCP server ${url} (${causeOf(err) ?? text}): is it running, and is the URL right?`);
  return new McpConnectionError('protocol', `MCP server ${url}: ${text}`);
}

function causeOf(err: unknown): string | undefined {
  const cause = err instanceof Error ? (err as { cause?: unknown }).cause : undefined;
  return cause instanceof Error ? cause.message : undefined;
}

/** Sessions are shared by servers that are the same server: the same URL (or command line). */
const sessionKey = (server: McpServerSpec): string => server.url ?? ['stdio', server.command ?? '', ...(server.args ?? [])].join('\u0000');

/** Opens a session for a declared server (Streamable HTTP in the worker; stdio too in the CLI). */
export type McpOpener = (server: McpServerSpec) => Promise<McpSession>;

/**
 * The kernel's McpPort: one session per server, opened on first use; a failed connection is the
 * call's recorded failure (ok false), so a replay fails the same way without the network.
 */
export class McpHub implements McpPort {
  private readonly sessions = new Map<string, Promise<McpSession>>();
  /** Calls made to servers (tests count them). */
  calls = 0;

  constructor(
    private readonly open: McpOpener,
    private readonly onProgress?: (req: McpCallRequest, p: { progress: number; total?: number }) => void,
  ) {}

  /** @param onProgress this call's progress reports (beside the hub's own listener). */
  async call(req: McpCallRequest, onProgress?: (p: { progress: number; total?: number }) => void): Promise<McpCallResult> {
    this.calls += 1;
    const listen =
      this.onProgress || onProgress
        ? (p: { progress: number; total?: number }) => {
            this.onProgress?.(req, p);
            onProgress?.(p);
          }
        : undefined;
    try {
      const session = await this.session(req.server);
      return await session.call(req.tool, req.args, listen);
    } catch (err) {
      // A broken session is opened afresh for the next call.
      this.sessions.delete(sessionKey(req.server));
      return { ok: false, isError: true, text: `MCP server "${req.server.id}": ${message(err)}` };
    }
  }

  private session(server: McpServerSpec): Promise<McpSession> {
    const key = sessionKey(server);
    let s = this.sessions.get(key);
    if (!s) {
      s = this.open(server);
      this.sessions.set(key, s);
    }
    return s;
  }

  async close(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map((p) => p.then((s) => s.close(), () => undefined)));
  }
}
