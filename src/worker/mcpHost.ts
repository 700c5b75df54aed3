/**
 * MCP in the studio's worker: the SDK client over Streamable HTTP (a browser cannot start a stdio
 * command: those servers are reached through `harness mcp-proxy`). Auth headers come from this
 * browser's settings, like API keys: read here, never sent back to the page, never recorded.
 */
import type { McpServerSpec } from '../kernel';
import { McpConnectionError, McpHub, McpSession } from '../providers/mcpClient';
import type { SettingStore } from '../persist';
import { mcpAuthKey, type McpConnectResult } from './mcpApi';

/** The origin of the page the worker serves (CORS messages name it), or undefined in Node. */
function pageOrigin(): string | undefined {
  const loc = (globalThis as { location?: { origin?: string } }).location;
  return loc?.origin && loc.origin !== 'null' ? loc.origin : undefined;
}

export class WorkerMcp {
  constructor(
    private readonly settings: SettingStore,
    private readonly fetchImpl?: typeof fetch,
  ) {}

  private async headers(url: string): Promise<Record<string, string>> {
    const stored = await this.settings.get(mcpAuthKey(url));
    if (stored && typeof stored === 'object' && 'header' in stored && 'value' in stored) {
      const { header, value } = stored as { header: unknown; value: unknown };
      if (typeof header === 'string' && typeof value === 'string') return { [header]: value };
    }
    return {};
  }

  private async open(url: string): Promise<McpSession> {
    const origin = pageOrigin();
    return McpSession.http(url, { headers: await this.headers(url), ...(this.fetchImpl ? { fetch: this.fetchImpl } : {}), ...(origin ? { origin } : {}) });
  }

  async connect(url: string): Promise<McpConnectResult> {
    const auth = Object.keys(await this.headers(url)).length > 0;
    let session: McpSession | undefined;
    try {
      session = await this.open(url);
      return { ok: true, url, server: session.serverInfo(), tools: await session.listTools(), auth };
    } catch (err) {
      const kind = err instanceof McpConnectionError ? err.kind : 'protocol';
      return { ok: false, url, kind, error: err instanceof Error ? err.message : String(err), auth };
    } finally {
      await session?.close();
    }
  }

  async setAuth(url: string, header: string, value: string | null): Promise<void> {
    if (value === null || value === '') return this.settings.set(mcpAuthKey(url), undefined);
    if (!/^[A-Za-z0-9-]+$/.test(header)) throw new Error(`"${header}" is not an HTTP header name`);
    await this.settings.set(mcpAuthKey(url), { header, value });
  }

  /** The kernel's MCP client for one run: a session per server, opened on its first call. */
  hub(): McpHub {
    return new McpHub(async (server: McpServerSpec) => {
      if (server.url === undefined) {
        throw new McpConnectionError('protocol', `MCP server "${server.id}" is a stdio command (${server.command ?? ''}): the studio reaches MCP servers over HTTP. Run it behind "harness mcp-proxy -- ${[server.command ?? 'COMMAND', ...(server.args ?? [])].join(' ')}" and give the printed URL as the server's url.`);
      }
      return this.open(server.url);
    });
  }
}
