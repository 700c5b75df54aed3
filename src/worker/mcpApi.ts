/**
 * The studio's MCP contract between the page and the worker: connecting to a server lists its
 * tools; an auth header is stored in this browser's settings and read only inside the worker.
 */

/** A tool as the server lists it (name, description, JSON Schema of its arguments, hints). */
export interface McpToolSummary {
  name: string;
  title?: string;
  description: string;
  inputSchema: Record<string, unknown>;
  annotations?: { readOnlyHint?: boolean; destructiveHint?: boolean; idempotentHint?: boolean; openWorldHint?: boolean };
}

/** What connecting to a server found: its tools, or why it could not be used (CORS, unreachable, auth, …). */
export type McpConnectResult =
  | { ok: true; url: string; server: { name: string; version: string }; tools: McpToolSummary[]; auth: boolean }
  | { ok: false; url: string; kind: string; error: string; auth: boolean };

/** The settings key of the auth header kept for the MCP server at `url` (never in a document or an export). */
export const mcpAuthKey = (url: string): string => `mcpAuth/${url}`;

/** What the studio's worker does for MCP (part of StudioApi). */
export interface McpStudioApi {
  /** Connects to the Streamable HTTP server at `url` from the worker (with its stored auth header, if any) and lists its tools. */
  mcpConnect(url: string): Promise<McpConnectResult>;
  /** Stores the auth header sent to the server at `url` (value null: forget it). The value never comes back to the page. */
  setMcpAuth(url: string, header: string, value: string | null): Promise<void>;
}
