/**
 * The palette's MCP section: connect to a server by its Streamable HTTP URL (the worker lists its
 * tools with the official SDK client), see each tool with its description, and drag one onto the
 * canvas (or click it) to add it as a tool node; grant it to an agent like any tool (drag from the
 * agent's top handle). An auth header is kept in this browser's settings, never in the document.
 */
import { useState, type DragEvent, type FormEvent } from 'react';
import { useStudio } from '../../store';
import { studio } from '../../bridge/client';
import type { McpConnectResult, McpToolSummary } from '../../bridge/api';
import { DRAG_MCP_TOOL, addMcpServer, addMcpTool, mcpServers, mcpToolId } from './mcpDoc';
import { layoutPositions } from './docModel';
import { AuthHeaderForm } from './AuthHeaderForm';

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
  const [busy, setBusy] = useState<string | null>(null);
  const [found, setFound] = useState<Record<string, McpConnectResult>>({});
  const [authFor, setAuthFor] = useState<string | null>(null);
  const servers = mcpServers(doc);

  const connect = async (target: string): Promise<void> => {
    setBusy(target);
    try {
      const r = await studio().mcpConnect(target);
      setFound((f) => ({ ...f, [target]: r }));
      if (r.ok) {
        const { doc: current, change } = useStudio.getState();
        const added = addMcpServer(current, target, r.server.name);
        if (added.added) change(`Add MCP server ${added.id}`, added.doc);
      }
    } catch (err) {
      setFound((f) => ({ ...f, [target]: { ok: false, url: target, kind: 'protocol', error: err instanceof Error ? err.message : String(err), auth: false } }));
    } finally {
      setBusy(null);
    }
  };

  const onSubmit = (e: FormEvent): void => {
    e.preventDefault();
    const target = url.trim();
    if (target !== '') void connect(target);
  };

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
      <form onSubmit={onSubmit} className="hs-mcp__form">
        <input
          type="url" value={url} placeholder="http://127.0.0.1:3001/mcp" aria-label="MCP server URL" data-testid="mcp-url"
          onChange={(e) => setUrl(e.target.value)} disabled={!hasProject}
        />
        <button type="submit" disabled={!hasProject || busy !== null || url.trim() === ''} data-testid="mcp-connect">
          {busy === url.trim() ? 'Connecting…' : 'Connect'}
        </button>
      </form>
      {pending && !pending.ok && <McpError result={pending} />}
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
            {authFor === s.url && s.url !== undefined && <AuthForm url={s.url} onSaved={() => { setAuthFor(null); void connect(s.url!); }} />}
            {r && !r.ok && <McpError result={r} />}
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

function McpError({ result }: { result: Extract<McpConnectResult, { ok: false }> }) {
  return (
    <p className="hs-mcp__error" role="alert" data-testid="mcp-error" data-kind={result.kind}>
      {result.error}
    </p>
  );
}

function AuthForm({ url, onSaved }: { url: string; onSaved: () => void }) {
  return <AuthHeaderForm save={(header, value) => studio().setMcpAuth(url, header, value)} onSaved={onSaved} />;
}
