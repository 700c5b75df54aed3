/**
 * `harness mcp-proxy [--port N] [--allow-origin ORIGIN]... -- COMMAND ARGS`: serves a local stdio
 * MCP server over Streamable HTTP on 127.0.0.1, with the CORS headers a page needs (the studio
 * runs its MCP client in the browser). Each HTTP session gets its own copy of the command; JSON-RPC
 * messages pass through unchanged. Only loopback origins (and those given) may call it, and only
 * a loopback Host is answered, so a web page elsewhere cannot reach the local tools.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

export const MCP_PROXY_USAGE = `usage: harness mcp-proxy [--port N] [--allow-origin ORIGIN]... -- COMMAND [ARGS...]

Serves the stdio MCP server COMMAND over Streamable HTTP at http://127.0.0.1:N/mcp, with CORS
for the studio: add that URL as an MCP server in the studio.
  --port N            the port (default: a free one; the URL is printed when ready)
  --allow-origin O    also allow pages from origin O (loopback origins are always allowed)
Stops on Ctrl-C.
`;

/** The request headers a browser client sends, and the response headers it must be able to read. */
const ALLOW_HEADERS = 'content-type, accept, authorization, mcp-protocol-version, mcp-session-id, last-event-id';
const EXPOSE_HEADERS = 'Mcp-Session-Id, Mcp-Protocol-Version';

export interface McpProxyOptions {
  command: string;
  args: readonly string[];
  /** 0: a free port. */
  port: number;
  /** Origins allowed besides loopback ones. */
  allowOrigins?: readonly string[];
}

export interface McpProxy {
  url: string;
  /** Stops serving and stops every copy of the command. */
  close(): Promise<void>;
}

const isLoopbackOrigin = (origin: string): boolean => /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(origin);
const isLoopbackHost = (host: string | undefined): boolean => host !== undefined && /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(host);

/** One HTTP session: its server transport and the command it talks to. */
interface Bridge {
  http: StreamableHTTPServerTransport;
  child: StdioClientTransport;
}

/** Starts the proxy; resolves once it listens. */
export async function startMcpProxy(opts: McpProxyOptions): Promise<McpProxy> {
  const sessions = new Map<string, Bridge>();
  const allowed = new Set(opts.allowOrigins ?? []);

  const refuse = (res: ServerResponse, status: number, message: string): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
  };

  async function open(): Promise<Bridge> {
    const child = new StdioClientTransport({ command: opts.command, args: [...opts.args], stderr: 'inherit', env: getDefaultEnvironment() });
    /** Which request a progress token belongs to, so progress goes out on that request's stream. */
    const progressOf = new Map<string | number, string | number>();
    const bridge: Bridge = {
      child,
      http: new StreamableHTTPServerTransport({ sessionIdGenerator: randomUUID, onsessioninitialized: (id) => void sessions.set(id, bridge) }),
    };
    bridge.http.onmessage = (msg: JSONRPCMessage) => {
      const m = msg as { id?: string | number; params?: { _meta?: { progressToken?: string | number } } };
      const token = m.params?._meta?.progressToken;
      if (token !== undefined && m.id !== undefined) progressOf.set(token, m.id);
      void child.send(msg).catch((err: unknown) => bridge.http.onerror?.(err as Error));
    };
    child.onmessage = (msg: JSONRPCMessage) => {
      const m = msg as { id?: string | number; method?: string; params?: { progressToken?: string | number } };
      const related = m.method === 'notifications/progress' && m.params?.progressToken !== undefined ? progressOf.get(m.params.progressToken) : undefined;
      if (m.id !== undefined && m.method === undefined) for (const [t, id] of progressOf) if (id === m.id) progressOf.delete(t);
      void bridge.http.send(msg, related !== undefined ? { relatedRequestId: related } : undefined).catch(() => undefined);
    };
    let closing = false;
    const closeBoth = (): void => {
      if (closing) return;
      closing = true;
      if (bridge.http.sessionId) sessions.delete(bridge.http.sessionId);
      void bridge.http.close().catch(() => undefined);
      void child.close().catch(() => undefined);
    };
    bridge.http.onclose = closeBoth;
    child.onclose = closeBoth;
    await child.start();
    return bridge;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // A page on another site could otherwise reach the tools through DNS rebinding.
    if (!isLoopbackHost(req.headers.host)) return refuse(res, 403, 'harness mcp-proxy answers only requests to 127.0.0.1 or localhost');
    const origin = req.headers.origin;
    if (origin !== undefined) {
      if (!isLoopbackOrigin(origin) && !allowed.has(origin)) return refuse(res, 403, `origin ${origin} is not allowed: start harness mcp-proxy with --allow-origin ${origin}`);
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, DELETE, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', ALLOW_HEADERS);
      res.setHeader('Access-Control-Expose-Headers', EXPOSE_HEADERS);
      res.setHeader('Access-Control-Max-Age', '600');
    }
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    if (new URL(req.url ?? '/', 'http://127.0.0.1').pathname !== '/mcp') return refuse(res, 404, 'the MCP endpoint is /mcp');
    const sid = req.headers['mcp-session-id'];
    const id = Array.isArray(sid) ? sid[0] : sid;
    if (id !== undefined) {
      const bridge = sessions.get(id);
      if (!bridge) return refuse(res, 404, 'Session not found: initialize again');
      return bridge.http.handleRequest(req, res);
    }
    if (req.method !== 'POST') return refuse(res, 400, 'No session: a session starts with an initialize POST');
    let bridge: Bridge;
    try {
      bridge = await open();
    } catch (err) {
      return refuse(res, 502, `cannot start ${opts.command}: ${err instanceof Error ? err.message : String(err)}`);
    }
    await bridge.http.handleRequest(req, res);
    // A request that did not initialize a session leaves nothing to keep.
    if (bridge.http.sessionId === undefined) void bridge.child.close().catch(() => undefined);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) refuse(res, 500, err instanceof Error ? err.message : String(err));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    async close() {
      const all = [...sessions.values()];
      sessions.clear();
      await Promise.all(all.map((b) => Promise.all([b.http.close().catch(() => undefined), b.child.close().catch(() => undefined)])));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Parses `[--port N] [--allow-origin O]... -- COMMAND ARGS`: the options, or what is wrong. */
export function parseMcpProxyArgs(args: readonly string[]): McpProxyOptions | string {
  const dash = args.indexOf('--');
  const own = dash < 0 ? args : args.slice(0, dash);
  const cmd = dash < 0 ? [] : args.slice(dash + 1);
  let port = 0;
  const allowOrigins: string[] = [];
  for (let i = 0; i < own.length; i++) {
    const a = own[i]!;
    const v = own[i + 1];
    if (a === '--port') {
      if (v === undefined || !/^\d+$/.test(v) || Number(v) > 65535) return `--port needs a port number 0..65535, found ${v === undefined ? 'nothing' : JSON.stringify(v)}`;
      port = Number(v);
      i++;
    } else if (a === '--allow-origin') {
      if (v === undefined || !/^https?:\/\/[^/\s]+$/.test(v)) return `--allow-origin needs an origin like https://studio.example.com, found ${v === undefined ? 'nothing' : JSON.stringify(v)}`;
      allowOrigins.push(v);
      i++;
    } else return `mcp-proxy: unknown option ${JSON.stringify(a)} (the server's command goes after --)`;
  }
  if (cmd.length === 0) return 'mcp-proxy needs the stdio server to run after --, e.g. harness mcp-proxy -- npx -y @modelcontextprotocol/server-everything';
  return { command: cmd[0]!, args: cmd.slice(1), port, allowOrigins };
}

/**
 * The command: starts the proxy, prints its URL, and serves until SIGINT or SIGTERM.
 * `print` writes a line as it happens (stdout in main.ts).
 */
export async function mcpProxyCommand(args: readonly string[], print: (line: string) => void): Promise<{ code: 0 | 2; stdout: string; stderr: string }> {
  if (args.includes('--help') || args.includes('-h')) return { code: 0, stdout: MCP_PROXY_USAGE, stderr: '' };
  const opts = parseMcpProxyArgs(args);
  if (typeof opts === 'string') return { code: 2, stdout: '', stderr: `harness: ${opts}\n\n${MCP_PROXY_USAGE}` };
  let proxy: McpProxy;
  try {
    proxy = await startMcpProxy(opts);
  } catch (err) {
    return { code: 2, stdout: '', stderr: `harness: mcp-proxy cannot listen on 127.0.0.1:${opts.port}: ${err instanceof Error ? err.message : String(err)}\n` };
  }
  print(`MCP server "${[opts.command, ...opts.args].join(' ')}" over Streamable HTTP at ${proxy.url}\n(add this URL as an MCP server in the studio; Ctrl-C stops it)\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await proxy.close();
  return { code: 0, stdout: '', stderr: '' };
}
