/**
 * MCP tools as system calls. The kernel stays pure: it decides the call like any other (the
 * policy stack in trust/), and once the call's latency has passed asks the host's `McpPort` (the
 * studio's worker, the CLI) for the result, which it records on `tool.returned` (`mcp`). A
 * restored, forked or replayed run answers recorded calls from the trace (mcpRecorded.ts), so the
 * server is never called twice for the same call. The tool class itself is `mcpTool` in toolClass.ts.
 */
import type { McpServerSpec } from '../spec';

/** One call the host makes to an MCP server's tool. */
export interface McpCallRequest {
  server: McpServerSpec;
  /** The tool's name on the server (impl.tool), not the document's tool id. */
  tool: string;
  args: Readonly<Record<string, unknown>>;
  agent: string;
  callId: string;
}

/** What a server answered, as the trace records it. */
export interface McpCallResult {
  /** False when the tool reported an error (`isError`) or the call could not be made. */
  ok: boolean;
  /** The result's content as text (text parts joined; other parts described). */
  text: string;
  /** The tool itself reported an error (MCP `isError`), as opposed to a failed connection. */
  isError?: boolean;
  /** The last progress notification the server sent while the tool ran. */
  progress?: { progress: number; total?: number };
}

/** The host side of MCP tools: makes the call (over Streamable HTTP or stdio) and answers what came back. */
export interface McpPort {
  call(req: McpCallRequest): Promise<McpCallResult>;
}

/** What `tool.returned` records of an MCP call beside `ok` and `result`. */
export interface McpRecord {
  server: string;
  tool: string;
  isError?: boolean;
  progress?: { progress: number; total?: number };
}
