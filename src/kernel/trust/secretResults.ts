/**
 * Results of tools marked `secret` as the trace holds them. A sim tool's secret is its declared
 * result (spec/secrets.ts finds it in the document); an MCP tool's secret is whatever the server
 * answered, known only once the call returned, so the hosts learn it from the trace (the CLI
 * after a run, the studio's worker boundary from the events it sends) and redact it like the
 * document's secrets. Pure.
 */
import type { KernelEvent } from '../trace/events';

/** Secrets shorter than this are not redacted by value (as spec/secrets.ts). */
const MIN_SECRET = 6;

/** The ids of the tools a document marks `secret` (raw JSON or a parsed document). */
export function secretToolIds(doc: unknown): Set<string> {
  const out = new Set<string>();
  const tools = typeof doc === 'object' && doc !== null ? (doc as { tools?: unknown }).tools : undefined;
  if (!Array.isArray(tools)) return out;
  for (const t of tools as unknown[]) {
    const x = t as { id?: unknown; secret?: unknown } | null;
    if (x && x.secret === true && typeof x.id === 'string') out.add(x.id);
  }
  return out;
}

/** What the tools in `secret` returned in `events` (each line of a multi-line result too), for redaction by value. */
export function secretResults(events: Iterable<KernelEvent | undefined>, secret: ReadonlySet<string>): string[] {
  const out = new Set<string>();
  if (secret.size === 0) return [];
  for (const e of events) {
    if (e?.type !== 'tool.returned' || !secret.has(e.tool)) continue;
    for (const part of [e.result, ...e.result.split('\n')]) if (part.trim().length >= MIN_SECRET) out.add(part.trim());
  }
  return [...out];
}
