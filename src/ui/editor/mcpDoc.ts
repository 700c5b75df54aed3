/**
 * Document edits for MCP servers and their tools (the palette's MCP section and the canvas's drop):
 * a server declared by URL, and a server's tool as a tool node of impl kind `mcp`, named as
 * Claude Code names them (`mcp__SERVER__TOOL`) so rules can match a server's tools with `mcp__SERVER__*`.
 */
import type { McpToolSummary } from '../../bridge/api';
import { allIds, asDoc, isRecord, type Position, type Rec } from './docModel';
import { setIn } from './docOps';

/** The drag payload of an MCP tool dragged from the palette: JSON of `{ server, tool }`. */
export const DRAG_MCP_TOOL = 'application/x-harness-mcp-tool';

/** The declared MCP servers, as far as they have the right shape. */
export function mcpServers(doc: unknown): Array<{ id: string; name: string; url: string | undefined; index: number }> {
  const list = asDoc(doc).mcpServers;
  if (!Array.isArray(list)) return [];
  return list.flatMap((s: unknown, index) => (isRecord(s) && typeof s.id === 'string' ? [{ id: s.id, name: typeof s.name === 'string' ? s.name : '', url: typeof s.url === 'string' ? s.url : undefined, index }] : []));
}

function usedIds(doc: unknown): Set<string> {
  const ids = allIds(doc);
  for (const s of mcpServers(doc)) ids.add(s.id);
  return ids;
}

/** An id from a server's own name (`mcp-servers/everything` → `everything`), free in the document. */
export function serverIdFor(doc: unknown, serverName: string, url: string): string {
  const last = serverName.split('/').pop() ?? '';
  let base = last.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[^a-z]+/, '').replace(/-+$/, '').slice(0, 40);
  if (base === '') base = (() => { try { return `mcp-${new URL(url).port || 'server'}`; } catch { return 'mcp-server'; } })();
  const ids = usedIds(doc);
  if (!ids.has(base)) return base;
  for (let n = 2; ; n++) if (!ids.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** Declares the server at `url` (untrusted until the user says otherwise); an already declared URL is kept as it is. */
export function addMcpServer(doc: unknown, url: string, serverName: string): { doc: unknown; id: string; added: boolean } {
  const known = mcpServers(doc).find((s) => s.url === url);
  if (known) return { doc, id: known.id, added: false };
  const id = serverIdFor(doc, serverName, url);
  const d = asDoc(doc);
  const list = Array.isArray(d.mcpServers) ? d.mcpServers : [];
  return { doc: setIn(d, ['mcpServers'], [...list, { id, name: serverName, url, trust: 'untrusted' }]), id, added: true };
}

/** The document id of a server's tool: `mcp__SERVER__TOOL`, other characters as `_`, at most 64 long. */
export function mcpToolId(server: string, tool: string): string {
  return `mcp__${server}__${tool.replace(/[^A-Za-z0-9_.-]/g, '_')}`.slice(0, 64);
}

/** The side effect a tool's hints say it has: read-only reads; otherwise a write, or external when it reaches an open world (MCP's defaults). */
export function sideEffectOf(t: McpToolSummary): 'read' | 'write' | 'external' {
  const a = t.annotations ?? {};
  if (a.readOnlyHint === true) return 'read';
  if (a.openWorldHint === false) return 'write';
  return 'external';
}

/** The argument rules match: the first required string property of its input schema. */
export function mainArgOf(t: McpToolSummary): string | undefined {
  const props = isRecord(t.inputSchema.properties) ? (t.inputSchema.properties as Rec) : {};
  const required = Array.isArray(t.inputSchema.required) ? t.inputSchema.required.filter((x): x is string => typeof x === 'string') : [];
  return required.find((k) => isRecord(props[k]) && (props[k] as Rec).type === 'string');
}

/** Adds the server's tool as a tool node at `at` (or only selects it when it is already there). */
export function addMcpTool(doc: unknown, server: string, t: McpToolSummary, at: Position): { doc: unknown; id: string; added: boolean } {
  const id = mcpToolId(server, t.name);
  const d = asDoc(doc);
  const tools = Array.isArray(d.tools) ? d.tools : [];
  if (tools.some((x) => isRecord(x) && x.id === id)) return { doc, id, added: false };
  const mainArg = mainArgOf(t);
  const tool: Rec = {
    id, name: t.title ?? t.name, description: t.description, args: t.inputSchema, sideEffect: sideEffectOf(t),
    ...(mainArg ? { mainArg } : {}), impl: { kind: 'mcp', server, tool: t.name },
  };
  let next = setIn(d, ['tools'], [...tools, tool]);
  next = setIn(next, ['layout', 'nodes', id], { x: Math.round(at.x), y: Math.round(at.y) });
  return { doc: next, id, added: true };
}
