/**
 * A model call that failed, as the kernel sees it: plain data a CPU hands over (by throwing a
 * `CpuFault`) and the trace records on `infer.failed`. The kernel decides what happens next
 * (loop/modelFaults.ts): retry after a backoff on the virtual clock, throttle the model's
 * endpoint, or fail the job. The kernel never imports the providers; they build this shape.
 */

/**
 * What went wrong. `rate-limited` (HTTP 429), `server` (5xx, an error inside the stream),
 * `network` (unreachable), `dropped` (the connection ended mid-answer) can be retried; `auth`,
 * `origin-forbidden`, `cors`, `bad-request`, `protocol`, `unsupported`, `model-file` cannot.
 */
export type CpuFailureKind =
  | 'rate-limited'
  | 'server'
  | 'network'
  | 'dropped'
  | 'cors'
  | 'auth'
  | 'origin-forbidden'
  | 'bad-request'
  | 'protocol'
  | 'unsupported'
  | 'model-file';

/** One failed attempt of a model call. Plain JSON; the message never holds a key (the adapters redact it). */
export interface CpuFailure {
  kind: CpuFailureKind;
  /** What happened and where (it may name the endpoint), in one sentence. */
  message: string;
  /** What the user can do about it. */
  fix: string;
  /** Whether trying again can help (the kernel's retry policy decides whether it does). */
  retryable: boolean;
  /** How long the server asked to wait (retry-after), in ms. */
  retryAfterMs: number | null;
  /** The HTTP status, when there was one. */
  status: number | null;
  /** What had streamed before the failure (a dropped connection), as recorded; null when nothing. */
  partial: Readonly<Record<string, unknown>> | null;
}

/** The error a CPU throws (or rejects with) when a model call failed: names the model, carries the failure. */
export class CpuFault extends Error {
  constructor(
    readonly model: string,
    readonly failure: CpuFailure,
  ) {
    super(`model ${model}: ${failure.message}`);
    this.name = 'CpuFault';
  }
}

/** True for a CpuFault, also one built by a copy of this module (a bundle, a worker boundary). */
export function isCpuFault(err: unknown): err is CpuFault {
  if (err instanceof CpuFault) return true;
  const f = (err as { failure?: Partial<CpuFailure> } | null)?.failure;
  return typeof err === 'object' && err !== null && typeof (err as { model?: unknown }).model === 'string' && typeof f?.kind === 'string' && typeof f.message === 'string';
}

/** The failure kinds that mean the endpoint could not be used at all: a person must fix a setting. */
export const SETUP_FAILURES: ReadonlySet<CpuFailureKind> = new Set<CpuFailureKind>(['auth', 'origin-forbidden', 'cors', 'network', 'model-file']);
