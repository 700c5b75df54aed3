/**
 * The studio's OpenTelemetry collector (Settings): a URL and headers, kept like API keys — in
 * the settings table under a key the page cannot read (studioApi refuses it), the header values
 * read only here to send a run; the page gets back the URL and the header names.
 * A run goes out as OTLP/HTTP JSON (kernel/otel), redacted of its document's secrets and the
 * stored keys, in requests of at most 512 spans made as its events are read.
 */
import { OTLP_BATCH_SPANS, OtelSpanStream, exportFilter, otelModels, otlpRequest, parseHarness, redactSecrets, type KernelEvent, type OtelExportOptions, type OtlpExportRequest, type OtlpSpan } from '../kernel';
import type { SettingStore } from '../persist';

/** The settings key the collector lives under; studioApi's getSetting/setSetting refuse it. */
export const OTEL_COLLECTOR_KEY = 'private/otelCollector';

/** What Settings saves. `headers`: `Name: value` lines; absent keeps the stored headers, '' removes them. */
export interface OtelCollectorInput {
  url: string;
  headers?: string;
}

/** The collector as the page sees it: never a header value. */
export interface OtelCollectorSummary {
  url: string;
  /** Where a run is posted: URL/v1/traces, or URL itself when it ends in /v1/traces. */
  tracesUrl: string;
  headerNames: string[];
}

/** What a send did. */
export interface OtelSendResult {
  url: string;
  spans: number;
}

interface StoredCollector {
  url: string;
  headers: Record<string, string>;
}

/** The traces endpoint for a collector URL, or why the URL cannot be one. */
export function collectorTracesUrl(raw: string): { url: string } | string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return `URL: "${raw}" is not a URL; write the collector's base, e.g. http://127.0.0.1:4318, or its endpoint ending in /v1/traces.`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `URL: use http:// or https://, not ${url.protocol}`;
  if (url.username || url.password) return 'URL: put credentials in the headers, not in the URL.';
  if (!/\/v1\/traces\/?$/.test(url.pathname)) url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/traces`;
  return { url: url.toString() };
}

/** `Name: value` lines as headers, or a message naming the line that is not one. */
export function parseHeaderLines(text: string): Record<string, string> | string {
  const headers: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) return `Headers: line ${i + 1} is not "Name: value" (e.g. Authorization: Basic …).`;
    if (name.toLowerCase() === 'content-type') return `Headers: line ${i + 1}: the content type is set by the export (application/json).`;
    headers[name] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** The collector setting over the settings table. */
export class OtelCollector {
  constructor(private readonly settings: SettingStore) {}

  async summary(): Promise<OtelCollectorSummary | null> {
    const c = await this.stored();
    return c ? summarize(c) : null;
  }

  /** Every header value stored (secrets to redact). */
  async secrets(): Promise<string[]> {
    const c = await this.stored();
    return c ? Object.values(c.headers).filter((v) => v !== '') : [];
  }

  /** Saves the collector; throws an Error naming the field that is wrong. */
  async save(input: OtelCollectorInput): Promise<OtelCollectorSummary> {
    const resolved = collectorTracesUrl(input.url);
    if (typeof resolved === 'string') throw new Error(resolved);
    let headers = (await this.stored())?.headers ?? {};
    if (input.headers !== undefined) {
      const parsed = parseHeaderLines(input.headers);
      if (typeof parsed === 'string') throw new Error(parsed);
      headers = parsed;
    }
    const c: StoredCollector = { url: input.url.trim(), headers };
    await this.settings.set(OTEL_COLLECTOR_KEY, c);
    return summarize(c);
  }

  remove(): Promise<void> {
    return this.settings.set(OTEL_COLLECTOR_KEY, undefined);
  }

  /**
   * Sends a run's events to the collector, each request redacted of `secrets`. Rejects with a
   * message naming the endpoint and what it answered, or why it could not be reached (CORS
   * included: a browser cannot tell a refused origin from an unreachable host).
   */
  async send(events: AsyncIterable<KernelEvent>, run: { doc: unknown; createdAt: number }, secrets: readonly string[], fetchFn: typeof fetch, origin: string | null): Promise<OtelSendResult> {
    const c = await this.stored();
    if (!c) throw new Error('No OpenTelemetry collector is set: add one in Settings › OpenTelemetry collector.');
    const target = collectorTracesUrl(c.url);
    if (typeof target === 'string') throw new Error(target);
    const parsed = parseHarness(run.doc);
    const options = { startUnixMs: run.createdAt, ...(parsed.ok ? { models: otelModels(parsed.spec), withhold: exportFilter(parsed.spec, 'otel') } : {}) };
    const all = [...secrets, ...Object.values(c.headers)].filter((s) => s !== '').sort((a, b) => b.length - a.length);
    let spans = 0;
    for await (const request of otlpBatchesOf(events, options)) {
      let res: Response;
      try {
        res = await fetchFn(target.url, { method: 'POST', headers: { ...c.headers, 'content-type': 'application/json' }, body: redactSecrets(JSON.stringify(request), all) });
      } catch {
        throw new Error(`Could not reach the collector at ${target.url}: it is down, or it does not allow this page's origin${origin ? ` (${origin})` : ''} — a browser needs CORS: Access-Control-Allow-Origin for this origin and Access-Control-Allow-Headers for content-type${Object.keys(c.headers).length ? ` and ${Object.keys(c.headers).join(', ')}` : ''}.${spans > 0 ? ` ${spans} spans were sent before.` : ''}`);
      }
      if (!res.ok) {
        const said = (await res.text().catch(() => '')).replace(/\s+/g, ' ').trim().slice(0, 200);
        throw new Error(`The collector at ${target.url} refused the export: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}${said ? `: ${said}` : ''}${res.status === 401 || res.status === 403 ? ' (check the headers in Settings › OpenTelemetry collector)' : ''}`);
      }
      spans += request.resourceSpans[0]!.scopeSpans[0]!.spans.length;
    }
    return { url: target.url, spans };
  }

  private async stored(): Promise<StoredCollector | null> {
    const v = (await this.settings.get(OTEL_COLLECTOR_KEY)) as StoredCollector | undefined;
    return v && typeof v.url === 'string' ? v : null;
  }
}

function summarize(c: StoredCollector): OtelCollectorSummary {
  const t = collectorTracesUrl(c.url);
  return { url: c.url, tracesUrl: typeof t === 'string' ? c.url : t.url, headerNames: Object.keys(c.headers) };
}

/** A run's events read in order (from storage, a block at a time) as OTLP requests of at most 512 spans, each made when its spans have closed. */
export async function* otlpBatchesOf(events: AsyncIterable<KernelEvent>, options: OtelExportOptions): AsyncGenerator<OtlpExportRequest> {
  const stream = new OtelSpanStream(options);
  let pending: OtlpSpan[] = [];
  for await (const e of events) {
    pending.push(...stream.push(e));
    if (pending.length >= OTLP_BATCH_SPANS) {
      yield otlpRequest(pending.slice(0, OTLP_BATCH_SPANS));
      pending = pending.slice(OTLP_BATCH_SPANS);
    }
  }
  pending.push(...stream.end());
  for (let i = 0; i < pending.length; i += OTLP_BATCH_SPANS) yield otlpRequest(pending.slice(i, i + OTLP_BATCH_SPANS));
}
