/**
 * `harness run … --otlp URL`: the run's trace sent to an OpenTelemetry collector as OTLP/HTTP
 * JSON (kernel/otel), in requests of at most 512 spans, with the headers the OpenTelemetry
 * environment variables give (OTEL_EXPORTER_OTLP_TRACES_HEADERS, else OTEL_EXPORTER_OTLP_HEADERS:
 * `key=value,key2=value2`, values URL-encoded), e.g. a Langfuse or Phoenix key. Header values
 * are secrets: never printed (redact.ts adds them to the CLI's secrets).
 */
import { exportFilter, otelModels, otlpBatches, type HarnessSpec, type KernelEvent } from '../kernel';
import type { Env } from './endpoints';

/** What a POST answered (the parts the export reads). */
export interface PostAnswer {
  status: number;
  statusText: string;
  body: string;
}

/** Sends one request body; rejects when the server cannot be reached. */
export type Post = (url: string, request: { headers: Record<string, string>; body: string }) => Promise<PostAnswer>;

/** How long one request may take before it counts as unreachable. */
const POST_TIMEOUT_MS = 30_000;

/** A POST over the global fetch (Node ≥ 18). */
export const fetchPost: Post = async (url, request) => {
  const res = await fetch(url, { method: 'POST', headers: request.headers, body: request.body, signal: AbortSignal.timeout(POST_TIMEOUT_MS) });
  return { status: res.status, statusText: res.statusText, body: await res.text() };
};

/**
 * The traces endpoint for `--otlp URL`: URL itself when its path already ends in /v1/traces
 * (Phoenix's http://HOST:6006/v1/traces), else URL/v1/traces (a collector's base, e.g.
 * http://HOST:4318, or Langfuse's …/api/public/otel). A string saying what is wrong otherwise.
 */
export function otlpTracesUrl(raw: string): { url: string } | string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `--otlp: "${raw}" is not a URL; write the collector's base, e.g. http://127.0.0.1:4318, or its traces endpoint ending in /v1/traces`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `--otlp: use http:// or https://, not ${url.protocol} (OTLP/HTTP)`;
  if (url.username || url.password) return '--otlp: put credentials in OTEL_EXPORTER_OTLP_HEADERS, not in the URL';
  if (!/\/v1\/traces\/?$/.test(url.pathname)) url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/traces`;
  return { url: url.toString() };
}

/** The variable the headers come from, if one is set. */
function headerVariable(env: Env): string | undefined {
  return ['OTEL_EXPORTER_OTLP_TRACES_HEADERS', 'OTEL_EXPORTER_OTLP_HEADERS'].find((name) => typeof env[name] === 'string' && env[name] !== '');
}

/**
 * Headers from OTEL_EXPORTER_OTLP_TRACES_HEADERS, else OTEL_EXPORTER_OTLP_HEADERS (the W3C
 * baggage-like list the OpenTelemetry SDKs read), or a message naming the variable and the
 * entry that is wrong (by position, never by value).
 */
export function otlpHeaders(env: Env): { headers: Record<string, string> } | string {
  const name = headerVariable(env);
  if (!name) return { headers: {} };
  const headers: Record<string, string> = {};
  const entries = env[name]!.split(',');
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!.trim();
    if (entry === '') continue;
    const eq = entry.indexOf('=');
    const key = eq > 0 ? entry.slice(0, eq).trim() : '';
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key)) return `${name}: entry ${i + 1} is not key=value with a header name as key (write it as key1=value1,key2=value2)`;
    let value: string;
    try {
      value = decodeURIComponent(entry.slice(eq + 1).trim());
    } catch {
      return `${name}: the value of ${key} is not URL-encoded text`;
    }
    headers[key] = value;
  }
  return { headers };
}

/** Header values, for redaction: they hold keys (Langfuse's Basic auth, Phoenix's api_key). */
export function otlpHeaderSecrets(env: Env | undefined): string[] {
  if (!env) return [];
  const h = otlpHeaders(env);
  return typeof h === 'string' ? [] : Object.values(h.headers).filter((v) => v.length >= 4);
}

export interface OtlpExport {
  /** Where it went, the spans sent, and a collector's partial-success note (rejected spans) if any. */
  url: string;
  spans: number;
  requests: number;
  warning?: string;
}

/**
 * Sends a run's events to the collector at `target` as OTLP/HTTP JSON; resolves what was sent,
 * or a one-line error naming the endpoint and the collector's answer (never a header value).
 */
export async function sendOtlp(events: Iterable<KernelEvent>, spec: HarnessSpec, target: string, options: { env: Env; post: Post; startUnixMs: number }): Promise<OtlpExport | { error: string }> {
  const resolved = otlpTracesUrl(target);
  if (typeof resolved === 'string') return { error: resolved };
  const h = otlpHeaders(options.env);
  if (typeof h === 'string') return { error: h };
  const headers = { ...h.headers, 'content-type': 'application/json' };
  let spans = 0;
  let requests = 0;
  const rejected: string[] = [];
  for (const request of otlpBatches(events, { startUnixMs: options.startUnixMs, models: otelModels(spec), withhold: exportFilter(spec, 'otel') })) {
    const count = request.resourceSpans[0]!.scopeSpans[0]!.spans.length;
    let answer: PostAnswer;
    try {
      answer = await options.post(resolved.url, { headers, body: JSON.stringify(request) });
    } catch (err) {
      const cause = err instanceof Error ? ((err.cause as { code?: string } | undefined)?.code ?? (err.name === 'TimeoutError' ? `no answer in ${POST_TIMEOUT_MS / 1000} s` : err.message)) : String(err);
      return { error: `--otlp ${resolved.url}: could not reach the collector (${cause})${requests > 0 ? `; ${spans} spans were sent before` : ''}` };
    }
    if (answer.status < 200 || answer.status > 299) {
      const said = answer.body.replace(/\s+/g, ' ').trim().slice(0, 200);
      const hint = answer.status === 401 || answer.status === 403 ? ' (check the key in OTEL_EXPORTER_OTLP_HEADERS)' : answer.status === 404 ? ' (is this the OTLP/HTTP traces endpoint? a collector listens on :4318 for /v1/traces)' : answer.status === 415 ? ' (the collector does not take OTLP JSON)' : '';
      return { error: `--otlp ${resolved.url}: the collector refused the export: HTTP ${answer.status}${answer.statusText ? ` ${answer.statusText}` : ''}${said ? `: ${said}` : ''}${hint}` };
    }
    const partial = partialSuccess(answer.body);
    if (partial) rejected.push(partial);
    spans += count;
    requests++;
  }
  return { url: resolved.url, spans, requests, ...(rejected.length > 0 ? { warning: `the collector rejected part of the export: ${rejected.join('; ')}` } : {}) };
}

/** An ExportTraceServiceResponse's partial success (rejected spans and why), if the body has one. */
function partialSuccess(body: string): string | null {
  try {
    const r = JSON.parse(body) as { partialSuccess?: { rejectedSpans?: string | number; errorMessage?: string } };
    const p = r.partialSuccess;
    if (!p || (!Number(p.rejectedSpans) && !p.errorMessage)) return null;
    return `${Number(p.rejectedSpans ?? 0)} spans${p.errorMessage ? ` (${p.errorMessage})` : ''}`;
  } catch {
    return null;
  }
}
