/**
 * MCP servers in the document: which server a tool calls, and the trust its results carry.
 */
import type { HarnessSpec, McpServerSpec, ToolSpec } from './schema';

/** The MCP server an `mcp` tool calls, or undefined (not an MCP tool, or a dangling reference the parser reports). */
export function mcpServerOf(tool: ToolSpec, spec: Pick<HarnessSpec, 'mcpServers'>): McpServerSpec | undefined {
  if (tool.impl.kind !== 'mcp') return undefined;
  const id = tool.impl.server;
  return spec.mcpServers?.find((s) => s.id === id);
}

/** The trust of a tool's results: the declared server's for an MCP tool (one level for all its tools), else the tool's own. */
export function toolTrust(tool: ToolSpec, spec: Pick<HarnessSpec, 'mcpServers'>): 'trusted' | 'untrusted' {
  if (tool.impl.kind !== 'mcp') return tool.trust;
  return mcpServerOf(tool, spec)?.trust ?? 'untrusted';
}
