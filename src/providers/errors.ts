/**
 * Typed provider failures. Each says what happened, where (the endpoint, never the key) and what
 * to do, and whether retrying can help. `ProviderFailure` is plain data so a failed turn can be
 * recorded as an event; `ProviderError` wraps it for `throw`.
 */
import type { ChatResponse } from './types';

export type ProviderErrorKind =
  /** HTTP 429: the endpoint throttles; `retryAfterMs` says how long it asked us to wait. */
  | 'rate-limited'
  /** 5xx, 408, an error event in the stream: the server failed this time. */
  | 'server'
  /** The endpoint could not be reached (refused, reset, DNS). */
  | 'network'
  /** In a browser: the request was blocked before any response, which is what a CORS refusal looks like. */
  | 'cors'
  /** 401 / 403: the key is missing, wrong or lacks permission. */
  | 'auth'
  /** Ollama's 403 to a page origin it was not told to allow (OLLAMA_ORIGINS). */
  | 'origin-forbidden'
  /** Any other 4xx: the request itself is wrong (model name, parameters, base URL). */
  | 'bad-request'
  /** The connection ended in the middle of a streamed answer; `partial` holds what arrived. */
  | 'dropped'
  /** The response was not the wire format we speak (not an event stream, not JSON). */
  | 'protocol'
  /** The request asked for something this adapter cannot do (e.g. an assistant prefix on the OpenAI wire). */
  | 'unsupported'
  /** A local model file that is not a usable GGUF (wrong format, truncated, refused by llama.cpp). */
  | 'model-file';

export interface ProviderFailure {
  kind: ProviderErrorKind;
  /** What happened and where, in one sentence. */
  message: string;
  /** What the user can do about it. */
  fix: string;
  endpoint: string;
  status: number | null;
  retryable: boolean;
  /** How long the server asked us to wait (429 / 503 with retry-after), in ms. */
  retryAfterMs: number | null;
  requestId: string | null;
  /** What had streamed before the failure (dropped connections, error events mid-stream). */
  partial: ChatResponse | null;
}

/** The only error a provider throws. */
export class ProviderError extends Error {
  readonly failure: ProviderFailure;
  constructor(failure: ProviderFailure) {
    super(`${failure.message} ${failure.fix}`.trim());
    this.name = 'ProviderError';
    this.failure = failure;
  }
}

const RETRYABLE: Record<ProviderErrorKind, boolean> = {
  'rate-limited': true,
  server: true,
  network: true,
  cors: false,
  auth: false,
  'origin-forbidden': false,
  'bad-request': false,
  dropped: true,
  protocol: false,
  unsupported: false,
  'model-file': false,
};

export function failure(
  kind: ProviderErrorKind,
  endpoint: string,
  message: string,
  fix: string,
  extra: Partial<Pick<ProviderFailure, 'status' | 'retryAfterMs' | 'requestId' | 'partial'>> = {},
): ProviderFailure {
  return {
    kind,
    message,
    fix,
    endpoint,
    status: extra.status ?? null,
    retryable: RETRYABLE[kind],
    retryAfterMs: extra.retryAfterMs ?? null,
    requestId: extra.requestId ?? null,
    partial: extra.partial ?? null,
  };
}

/** Shapes of API keys that servers echo back (OpenAI's masked `sk-…****…abcd`, Anthropic's `sk-ant-…`). */
const KEY_LIKE = /\b(?:sk|pk|rk)-[A-Za-z0-9_*.-]{6,}|\bBearer\s+\S+/g;

/**
 * Removes every secret, and anything shaped like an API key, from text that came from a server
 * or a thrown error before it goes into a message: servers echo (masked) keys in 401 bodies.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out.replace(KEY_LIKE, '[redacted]');
}

/** The URL without user info, query or fragment: safe to show and record. */
export function safeEndpoint(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.href.replace(/\/+$/, '');
  } catch {
    return '(an invalid URL)';
  }
}
