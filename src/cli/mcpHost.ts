/**
 * The CLI's MCP client: declared servers over Streamable HTTP, or as a stdio command the CLI
 * starts (and stops when the run ends). An auth header's value comes from the environment
 * variable the document names (`auth.env`), never from the document.
 */
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { McpServerSpec } from '../kernel';
import { McpHub, McpSession, type McpOpener } from '../providers/mcpClient';
import type { Env } from './endpoints';

/** Why a declared server cannot be used from the CLI (its auth variable is unset), one line each; empty: fine. */
export function mcpSetupProblems(servers: readonly McpServerSpec[], env: Env): string[] {
  return servers
    .filter((s) => s.auth !== undefined && !env[s.auth.env])
    .map((s) => `mcpServers "${s.id}": its auth header comes from the environment variable ${s.auth!.env}, which is not set`);
}

/** The header a server's auth asks for, with its value from the environment. */
function authHeaders(server: McpServerSpec, env: Env): Record<string, string> {
  const value = server.auth ? env[server.auth.env] : undefined;
  return server.auth && value ? { [server.auth.header]: value } : {};
}

/** Opens a declared server: its URL over Streamable HTTP, or its command over stdio. */
export function cliMcpOpener(env: Env): McpOpener {
  return async (server) => {
    if (server.url !== undefined) return McpSession.http(server.url, { headers: authHeaders(server, env) });
    const command = server.command!;
    const args = server.args ?? [];
    const transport = new StdioClientTransport({
      command, args, stderr: 'ignore',
      // The variable named by auth.env reaches the server (stdio has no headers); nothing else beyond the SDK's safe defaults.
      env: { ...getDefaultEnvironment(), ...(server.auth && env[server.auth.env] ? { [server.auth.env]: env[server.auth.env]! } : {}) },
    });
    return McpSession.open(transport, [command, ...args].join(' '));
  };
}

/** The hub a CLI run calls its MCP tools through; `close` stops stdio servers. */
export function cliMcpHub(env: Env): McpHub {
  return new McpHub(cliMcpOpener(env));
}
