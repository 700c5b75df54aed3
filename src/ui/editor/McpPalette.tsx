/**
 * The palette's MCP section: connect to a server by its Streamable HTTP URL (the worker lists its
 * tools with the official SDK client), see each tool with its description, and drag one onto the
 * canvas (or click it) to add it as a tool node; grant it to an agent like any tool (drag from the
 * agent's top handle). An auth header is kept in this browser's settings, never in the document.
 */
import { useState, type DragEvent } from 'react';
import { useStudio } from '../../store';
import { studio } from '../../bridge/client';
import type { McpConnectResult, McpToolSummary } from '../../bridge/api';
import { DRAG_MCP_TOOL, addMcpServer, addMcpTool, mcpServers, mcpToolId } from './mcpDoc';
import { layoutPositions } from './docModel';
import { LookupError, UrlAuthForm, UrlLookupForm, useUrlLookup } from './UrlLookup';

/** Where a clicked tool goes: right of everything drawn, so it never lands on a node. */
function clickSpot(doc: unknown): { x: number; y: number } {
  const all = [...layoutPositions(doc).values()];
  const right = all.reduce((m, p) => Math.max(m, p.x), 0);
  const top = all.reduce((m, p) => Math.min(m, p.y), Number.POSITIVE_INFINITY);
  return { x: right + 240, y: Number.isFinite(top) ? top : 0 };
}

export function McpPalette() {
  const doc = useStudio((s) => s.doc);
  const hasProject = useStudio((s) => s.projectId !== null);
  const [url, setUrl] = useState('');
  const [authFor, setAuthFor] = useState<string | null>(null);
  const servers = mcpServers(doc);
  const { busy, results: found, run: connect } = useUrlLookup((target) => studio().mcpConnect(target), (r: McpConnectResult, target) => {
    if (!r.ok) return;
    const { doc: current, change } = useStudio.getState();
    const added = addMcpServer(current, target, r.server.name);
    if (added.added) change(`Add MCP server ${added.id}`, added.doc);
  });

  const addTool = (server: string, t: McpToolSummary): void => {
    const { doc: current, change } = useStudio.getState();
    const added = addMcpTool(current, server, t, clickSpot(current));
    if (added.added) change(`Add MCP tool ${added.id}`, added.doc, { select: added.id });
  };

  const onDragStart = (server: string, t: McpToolSummary) => (e: DragEvent) => {
    e.dataTransfer.setData(DRAG_MCP_TOOL, JSON.stringify({ server, tool: t }));
    e.dataTransfer.effectAllowed = 'copy';
  };

  // A URL typed but not declared yet shows its result (an error) under the form.
  const pending = url.trim() !== '' && !servers.some((s) => s.url === url.trim()) ? found[url.trim()] : undefined;

  return (
    <section className="hs-mcp" aria-label="MCP servers" data-testid="mcp-palette">
      <div className="hs-section-title">MCP servers</div>
      <UrlLookupForm
        value={url} onChange={setUrl} onSubmit={(target) => void connect(target)} placeholder="http://127.0.0.1:3001/mcp" label="MCP server URL"
        testId="mcp-url" submitTestId="mcp-connect" disabled={!hasProject} busy={busy} idleLabel="Connect" busyLabel="Connecting…"
      />
      {pending && !pending.ok && <LookupError result={pending} testId="mcp-error" />}
      {servers.map((s) => {
        const r = s.url !== undefined ? found[s.url] : undefined;
        return (
          <div key={s.id} className="hs-mcp__server" data-testid={`mcp-server-${s.id}`}>
            <div className="hs-mcp__head">
              <b title={s.url ?? 'a stdio command: the studio reaches it through harness mcp-proxy'}>{s.id}</b>
              {s.url !== undefined && (
                <>
                  <button type="button" onClick={() => void connect(s.url!)} disabled={busy !== null} data-testid={`mcp-list-${s.id}`} title="Connect and list its tools">
                    {busy === s.url ? '…' : r?.ok ? '↻' : 'Tools'}
                  </button>
                  <button type="button" onClick={() => setAuthFor(authFor === s.url ? null : s.url!)} title="An auth header for this server, kept in this browser (never in the document or an export)">
                    {r?.auth ? 'Auth ✓' : 'Auth'}
                  </button>
                </>
              )}
            </div>
            {authFor === s.url && s.url !== undefined && <UrlAuthForm url={s.url} save={(u, h, v) => studio().setMcpAuth(u, h, v)} onSaved={() => { setAuthFor(null); void connect(s.url!); }} />}
            {r && !r.ok && <LookupError result={r} testId="mcp-error" />}
            {r?.ok && (
              <ul className="hs-mcp__tools" aria-label={`Tools of ${s.id}`}>
                {r.tools.map((t) => (
                  <li key={t.name}>
                    <button
                      type="button" className="hs-palette__item hs-palette__item--tool" draggable onDragStart={onDragStart(s.id, t)} onClick={() => addTool(s.id, t)}
                      title={`${t.description || t.name}\nDrag onto the canvas, or click to add it as ${mcpToolId(s.id, t.name)}.`} data-testid={`mcp-tool-${t.name}`}
                    >
                      <span className="hs-palette__glyph" aria-hidden="true" />
                      {t.name}
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </div>
        );
      })}
    </section>
  );
}
