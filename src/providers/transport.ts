/**
 * What both adapters share: sending a request on `fetch`, turning a non-2xx response or a thrown
 * fetch into a typed failure, and reading a server-sent event stream with eventsource-parser.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { failure, ProviderError, redact, type ProviderErrorKind } from './errors';
import { parseRetryAfter } from './retry';
import type { ProviderDeps, WireFormat } from './types';

export interface Transport {
  wire: WireFormat;
  /** Safe to show: no credentials, no query. */
  endpoint: string;
  fetch: typeof fetch;
  now: () => number;
  environment: 'browser' | 'node';
  /** Strings no message may contain (the API key). */
  secrets: readonly string[];
}

/**
 * A typed error whose message and fix have passed through {@link redact}: every failure an
 * adapter raises is built here, so no server echo of the key can slip through.
 */
export function fail(
  t: Transport,
  kind: ProviderErrorKind,
  message: string,
  fix: string,
  extra: Parameters<typeof failure>[4] = {},
): ProviderError {
  return new ProviderError(failure(kind, t.endpoint, redact(message, t.secrets), redact(fix, t.secrets), extra));
}

export function makeTransport(wire: WireFormat, endpoint: string, secrets: readonly string[], deps: ProviderDeps): Transport {
  return {
    wire,
    endpoint,
    // Called unbound, a browser's fetch throws "Illegal invocation".
    fetch: deps.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    now: deps.now ?? (() => Date.now()),
    environment: deps.environment ?? detectEnvironment(),
    secrets,
  };
}

/** A page or a worker is a browser (CORS applies); Node is not. */
export function detectEnvironment(): 'browser' | 'node' {
  const g = globalThis as { document?: unknown; WorkerGlobalScope?: unknown; process?: { versions?: { node?: string } } };
  if (g.document !== undefined || g.WorkerGlobalScope !== undefined) return 'browser';
  return g.process?.versions?.node ? 'node' : 'browser';
}

function pageOrigin(): string | null {
  const loc = (globalThis as { location?: { origin?: string } }).location;
  return typeof loc?.origin === 'string' && loc.origin !== 'null' ? loc.origin : null;
}

export function isAbort(err: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true || (err instanceof Error && err.name === 'AbortError');
}

/** Sends a request; 'aborted' when the signal fired first. Throws ProviderError for a request that never got a response. */
export async function send(t: Transport, url: string, init: RequestInit, signal?: AbortSignal): Promise<Response | 'aborted'> {
  try {
    return await t.fetch(url, { ...init, signal });
  } catch (err) {
    if (isAbort(err, signal)) return 'aborted';
    throw unreachable(t, err);
  }
}

function unreachable(t: Transport, err: unknown): ProviderError {
  const e = err instanceof Error ? err : new Error(String(err));
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message ?? e.message;
  // Chrome says "Failed to fetch", Firefox "NetworkError when attempting to fetch resource.",
  // Safari "Load failed": the browser hides whether CORS or the network refused, on purpose.
  if (t.environment === 'browser' && e instanceof TypeError) {
    const origin = pageOrigin();
    return fail(
      t,
      'cors',
      `The browser blocked the request to ${t.endpoint} (${e.name}: ${e.message}): the server did not allow ${origin ? `this page's origin ${origin}` : "this page's origin"} (CORS), or it is not running.`,
      `Allow the origin at the server (Access-Control-Allow-Origin; for Ollama set OLLAMA_ORIGINS${origin ? `=${origin}` : ''}), or use a proxy; check that the server is up.`,
    );
  }
  return fail(t, 'network', `Could not reach ${t.endpoint} (${detail}).`, 'Check that the server is running and the base URL is right.');
}

/** The server's own error message from a JSON error body (OpenAI `error.message`, Anthropic `error.message`, Ollama `error`). */
function serverMessage(body: string): string | null {
  try {
    const json = JSON.parse(body) as { error?: unknown; message?: unknown };
    const err = json.error;
    if (typeof err === 'string') return err;
    if (err && typeof err === 'object' && typeof (err as { message?: unknown }).message === 'string') return (err as { message: string }).message;
    if (typeof json.message === 'string') return json.message;
  } catch {
    // Not JSON: fall through to the raw text.
  }
  const text = body.trim();
  return text ? text.slice(0, 300) : null;
}

export function requestIdOf(res: Response): string | null {
  return res.headers.get('request-id') ?? res.headers.get('x-request-id');
}

/** Reads a non-2xx response into a typed error. */
export async function responseError(t: Transport, res: Response): Promise<ProviderError> {
  let body = '';
  try {
    body = (await res.text()).slice(0, 4000);
  } catch {
    // The body is a courtesy; the status decides.
  }
  const said = serverMessage(body);
  const detail = said ? `: ${redact(said, t.secrets)}` : '';
  const status = res.status;
  const where = t.endpoint;
  const extra = { status, requestId: requestIdOf(res) };
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(res.headers, t.now());
    const wait = retryAfterMs === null ? '' : ` It asked to wait ${Math.ceil(retryAfterMs / 1000)} s.`;
    return fail(t, 'rate-limited', `${where} is rate limiting requests (HTTP 429${detail}).${wait}`, "Retry later, or lower this model's requests or tokens per minute.", { ...extra, retryAfterMs });
  }
  if (status === 401) {
    return fail(t, 'auth', `${where} refused the API key (HTTP 401${detail}).`, 'Set a valid API key for this endpoint (Settings, or the environment variable the CLI reads).', extra);
  }
  if (status === 403) {
    // Ollama answers a page origin it does not allow with an empty 403 (gin's CORS middleware).
    const ollamaLike = t.wire === 'openai' && (body.trim() === '' || /:11434(\/|$)/.test(where));
    if (ollamaLike && t.environment === 'browser') {
      const origin = pageOrigin() ?? "this page's origin";
      return fail(t, 'origin-forbidden', `${where} refused ${origin} (HTTP 403): Ollama only answers the origins it is told to allow.`, `Start Ollama with OLLAMA_ORIGINS=${origin} (or * for any origin), e.g. OLLAMA_ORIGINS=${origin} ollama serve.`, extra);
    }
    return fail(t, 'auth', `${where} refused access (HTTP 403${detail}).`, "Check that this endpoint's API key may use this model (its project, organisation or permissions).", extra);
  }
  if (status >= 500 || status === 408 || status === 409) {
    return fail(t, 'server', `${where} failed to answer (HTTP ${status}${detail}).`, 'It will be retried; if it persists, check the server.', { ...extra, retryAfterMs: parseRetryAfter(res.headers, t.now()) });
  }
  if (status === 404) {
    return fail(t, 'bad-request', `${where} has no such route or model (HTTP 404${detail}).`, 'Check the base URL and the model name.', extra);
  }
  return fail(t, 'bad-request', `${where} rejected the request (HTTP ${status}${detail}).`, 'Check the model name and the request parameters.', extra);
}

export type StreamEnd =
  | { end: 'complete' }
  | { end: 'aborted' }
  /** The body ended or broke before the format's terminator. */
  | { end: 'dropped'; detail: string };

/**
 * Feeds the response body to eventsource-parser and hands each event to `onEvent`. Ends
 * `complete` when `onEvent` returns true (the format's terminator), `eof` when the body ends
 * first (the caller decides whether that answer is whole), `dropped` when the body breaks,
 * `aborted` when the signal fires. What `onEvent` throws is rethrown.
 */
export async function readEvents(
  t: Transport,
  res: Response,
  signal: AbortSignal | undefined,
  onEvent: (event: EventSourceMessage) => boolean | void,
): Promise<StreamEnd | { end: 'eof' }> {
  if (!res.body) return { end: 'eof' };
  let finished = false;
  let thrown: unknown = null;
  const parser = createParser({
    onEvent(event) {
      if (finished || thrown) return;
      try {
        if (onEvent(event) === true) finished = true;
      } catch (err) {
        thrown = err;
      }
    },
  });
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      if (signal?.aborted) return { end: 'aborted' };
      const { value, done } = await reader.read();
      if (done) {
        parser.feed(decoder.decode());
        parser.reset({ consume: true });
        break;
      }
      parser.feed(decoder.decode(value, { stream: true }));
      if (thrown) throw thrown;
      if (finished) return { end: 'complete' };
    }
  } catch (err) {
    if (err === thrown || err instanceof ProviderError) throw err;
    if (isAbort(err, signal)) return { end: 'aborted' };
    return { end: 'dropped', detail: redact(err instanceof Error ? `${err.message}${causeText(err)}` : String(err), t.secrets) };
  } finally {
    // Stop the download (a preempted generation, or a server that keeps talking after the end).
    reader.cancel().catch(() => undefined);
  }
  // The flush at the end of the body can complete one last event, and that event can be an error.
  if (thrown) throw thrown;
  return finished ? { end: 'complete' } : { end: 'eof' };
}

function causeText(err: Error): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const text = cause?.code ?? cause?.message;
  return text ? ` (${text})` : '';
}

/** The content type says event stream; anything else (an HTML error page, JSON) is not what we asked for. */
export function isEventStream(res: Response): boolean {
  return (res.headers.get('content-type') ?? '').toLowerCase().includes('text/event-stream');
}
