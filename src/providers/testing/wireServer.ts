/**
 * A local HTTP server for tests (Node only): it answers each request with the next response
 * scripted for its path, writing event-stream frames exactly as given, and records every request.
 * Faults are part of the script: an HTTP error with headers, a connection destroyed after n frames,
 * a stream that stops and hangs (for abort tests), frames split into tiny writes, frames spaced in time.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedResponse {
  status?: number;
  headers?: Record<string, string>;
  /** A whole body (JSON errors, model lists). */
  body?: string;
  /** Event-stream frames, each written as is (`data: …\n\n`, `event: …\ndata: …\n\n`). */
  frames?: readonly string[];
  /** Destroy the socket after writing this many frames: a connection dropped mid-stream. */
  dropAfter?: number;
  /** Stop after this many frames and keep the connection open until the client goes away. */
  hangAfter?: number;
  /** Write each frame in pieces of this many bytes (tests that the client buffers partial lines). */
  splitBytes?: number;
  /** Wait this many ms before each frame after the first: a stream whose tokens arrive over time, as a model's do. */
  frameDelayMs?: number;
}

export type Script = ScriptedResponse | ((req: RecordedRequest) => ScriptedResponse);

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** Parsed JSON when the body is JSON, else the text ('' for none). */
  body: unknown;
  raw: string;
}

/** The content type both APIs stream with. */
export const EVENT_STREAM_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
};

export class WireServer {
  /** Every request but CORS preflights, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  private readonly queues = new Map<string, Script[]>();
  private readonly fallbacks = new Map<string, Script>();
  private readonly server: Server;
  private base = '';

  private constructor() {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  /** Listens on 127.0.0.1 on a free port. */
  static async start(): Promise<WireServer> {
    const s = new WireServer();
    await new Promise<void>((resolve) => s.server.listen(0, '127.0.0.1', resolve));
    s.base = `http://127.0.0.1:${(s.server.address() as AddressInfo).port}`;
    return s;
  }

  /** `http://127.0.0.1:PORT` */
  get url(): string {
    return this.base;
  }

  /** Queues responses for a path (`/v1/chat/completions`); each request takes the next one. */
  script(path: string, ...responses: Script[]): this {
    const q = this.queues.get(path) ?? [];
    q.push(...responses);
    this.queues.set(path, q);
    return this;
  }

  /** Answers every request for a path with `respond` from now on (after any queued responses), until replaced. */
  always(path: string, respond: Script): this {
    this.fallbacks.set(path, respond);
    return this;
  }

  /** Requests seen, optionally for one path. */
  count(path?: string): number {
    return path === undefined ? this.requests.length : this.requests.filter((r) => r.path === path).length;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Browsers (the e2e tests) send preflights; answer them like a permissive API would.
    res.setHeader('access-control-allow-origin', req.headers.origin ?? '*');
    res.setHeader('access-control-allow-headers', req.headers['access-control-request-headers'] ?? '*');
    res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
    res.setHeader('access-control-expose-headers', '*');
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.base);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    let body: unknown = raw;
    try {
      body = raw ? JSON.parse(raw) : '';
    } catch {
      // Kept as text.
    }
    const recorded: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.search, headers, body, raw };
    this.requests.push(recorded);

    const next = this.queues.get(url.pathname)?.shift() ?? this.fallbacks.get(url.pathname);
    if (!next) {
      // 418, not 5xx: an unscripted request is a mistake in the test, and must not be retried.
      res.writeHead(418, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `wireServer: nothing scripted for ${req.method} ${url.pathname}` } }));
      return;
    }
    const r = typeof next === 'function' ? next(recorded) : next;
    await this.respond(res, r);
  }

  private async respond(res: ServerResponse, r: ScriptedResponse): Promise<void> {
    const streaming = r.frames !== undefined;
    res.writeHead(r.status ?? 200, { ...(streaming ? EVENT_STREAM_HEADERS : { 'content-type': 'application/json' }), ...r.headers });
    if (!streaming) {
      res.end(r.body ?? '');
      return;
    }
    res.flushHeaders();
    const frames = r.frames ?? [];
    for (let i = 0; i < frames.length; i++) {
      if (r.dropAfter === i) {
        res.socket?.destroy();
        return;
      }
      if (r.hangAfter === i) return; // the connection stays open; close() or the client ends it
      if (i > 0 && r.frameDelayMs && r.frameDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, r.frameDelayMs));
      if (res.destroyed) return; // the client went away meanwhile
      await write(res, frames[i] ?? '', r.splitBytes);
    }
    if (r.dropAfter !== undefined && r.dropAfter >= frames.length) {
      res.socket?.destroy();
      return;
    }
    if (r.hangAfter !== undefined && r.hangAfter >= frames.length) return;
    res.end();
  }
}

async function write(res: ServerResponse, frame: string, splitBytes: number | undefined): Promise<void> {
  const bytes = Buffer.from(frame, 'utf8');
  const step = splitBytes && splitBytes > 0 ? splitBytes : bytes.length;
  for (let at = 0; at < bytes.length; at += step) {
    res.write(bytes.subarray(at, at + step));
    // Let each piece leave as its own TCP write, so the client really sees partial frames.
    await new Promise((resolve) => setImmediate(resolve));
  }
}
