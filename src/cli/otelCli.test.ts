/**
 * `harness run … --otlp URL` against a collector stand-in: a real HTTP server on 127.0.0.1
 * that records each request (method, path, headers, body) and answers as told. The body is
 * decoded with the official OpenTelemetry protobuf classes.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli, type CliIo } from './commands';
import { decodeOtlpJson } from './otel.testing';

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server;
let base = '';
let received: Received[] = [];
let answer: { status: number; body: string } = { status: 200, body: '{}' };

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  received = [];
  answer = { status: 200, body: '{}' };
});

const KEY = 'pk-lf-1234:sk-lf-5678';
const BASIC = `Basic ${Buffer.from(KEY).toString('base64')}`;

function io(env: Record<string, string> = {}): CliIo {
  return {
    readFile: (path) => readFileSync(path, 'utf8'),
    writeFile: () => {
      throw new Error('writes nothing');
    },
    env,
    now: () => 1_767_000_000_000,
  };
}

describe('harness run --otlp', () => {
  it('posts the run as OTLP JSON to URL/v1/traces with the headers from OTEL_EXPORTER_OTLP_HEADERS, never printing them', async () => {
    const env = { OTEL_EXPORTER_OTLP_HEADERS: `Authorization=${encodeURIComponent(BASIC)}, x-tenant = acme` };
    const r = await runCli(['run', 'public/examples/research-team.json', '--seed', '2', '--otlp', `${base}/api/public/otel`], io(env));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(received).toHaveLength(1);
    const [req] = received as [Received];
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/api/public/otel/v1/traces');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers.authorization).toBe(BASIC);
    expect(req.headers['x-tenant']).toBe('acme');
    const { spans } = decodeOtlpJson(req.body);
    const root = spans.find((s) => s.parentSpanId === '')!;
    expect(root.name).toBe('invoke_workflow Research team');
    expect(root.attributes['harness.seed']).toBe(2);
    expect(root.start).toBe(1_767_000_000_000n * 1_000_000n);
    expect(spans.some((s) => s.name === 'chat sim-1')).toBe(true);
    expect(spans.some((s) => s.name === 'execute_tool web_search')).toBe(true);
    expect(r.stdout).toContain(`OTLP: ${spans.length} spans sent to ${base}/api/public/otel/v1/traces`);
    for (const secret of [KEY, BASIC, encodeURIComponent(BASIC)]) expect(r.stdout + r.stderr).not.toContain(secret);
  });

  it('uses a URL ending in /v1/traces as it is (Phoenix), and --json still prints one JSON object', async () => {
    const r = await runCli(['run', 'public/examples/research-team.json', '--json', '--otlp', `${base}/v1/traces`], io({ OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'api_key=phx-secret-1', OTEL_EXPORTER_OTLP_HEADERS: 'ignored=1' }));
    expect(r.code).toBe(0);
    expect(received.map((q) => q.path)).toEqual(['/v1/traces']);
    expect(received[0]!.headers.api_key).toBe('phx-secret-1');
    expect(received[0]!.headers.ignored).toBeUndefined();
    expect(JSON.parse(r.stdout)).toMatchObject({ stopReason: 'completed' });
    // The same run sends the same ids.
    const again = await runCli(['run', 'public/examples/research-team.json', '--json', '--otlp', `${base}/v1/traces`], io());
    expect(again.code).toBe(0);
    const ids = (body: string) => decodeOtlpJson(body).spans.map((s) => `${s.traceId}/${s.spanId}`);
    expect(ids(received[1]!.body)).toEqual(ids(received[0]!.body));
  });

  it('exits 2 naming the endpoint and the answer when the collector refuses, without the key', async () => {
    answer = { status: 401, body: '{"message":"Invalid credentials"}' };
    const r = await runCli(['run', 'public/examples/research-team.json', '--otlp', base], io({ OTEL_EXPORTER_OTLP_HEADERS: `Authorization=${encodeURIComponent(BASIC)}` }));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`harness: --otlp ${base}/v1/traces: the collector refused the export: HTTP 401 Unauthorized: {"message":"Invalid credentials"} (check the key in OTEL_EXPORTER_OTLP_HEADERS)\n`);
    expect(r.stderr).not.toContain(KEY);
  });

  it("reports a collector's partial success as a warning", async () => {
    answer = { status: 200, body: '{"partialSuccess":{"rejectedSpans":"3","errorMessage":"span too old"}}' };
    const r = await runCli(['run', 'public/examples/research-team.json', '--otlp', base], io());
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`harness: --otlp ${base}/v1/traces: the collector rejected part of the export: 3 spans (span too old)\n`);
  });

  it('exits 2 when the collector cannot be reached, and on a bad URL or header list', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = await runCli(['run', 'public/examples/research-team.json', '--otlp', `http://127.0.0.1:${port}`], io());
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toBe(`harness: --otlp http://127.0.0.1:${port}/v1/traces: could not reach the collector (ECONNREFUSED)\n`);

    const badUrl = await runCli(['run', 'public/examples/research-team.json', '--otlp', 'collector:4318'], io());
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain('--otlp: use http:// or https://, not collector: (OTLP/HTTP)');
    const missing = await runCli(['run', 'public/examples/research-team.json', '--otlp'], io());
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--otlp needs a collector URL');
    const badHeaders = await runCli(['run', 'public/examples/research-team.json', '--otlp', base], io({ OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=ok,sk-secret-value' }));
    expect(badHeaders.code).toBe(2);
    expect(badHeaders.stderr).toBe('harness: OTEL_EXPORTER_OTLP_HEADERS: entry 2 is not key=value with a header name as key (write it as key1=value1,key2=value2)\n');
    expect(received).toEqual([]);
  });

  it("redacts the document's declared secrets from what it sends", async () => {
    const planted = 'sk-live-PLANTED-4242';
    const documentWith = (secret: boolean) => {
      const doc = JSON.parse(readFileSync('public/examples/injection.json', 'utf8')) as { tools: { id: string; secret?: boolean; impl: { result: string } }[]; policy: { taint: string } };
      const vault = doc.tools.find((t) => t.id === 'vault_read')!;
      vault.impl.result = planted;
      if (secret) vault.secret = true;
      doc.policy.taint = 'off'; // the key is mailed out: in a call's arguments as well as a result
      return JSON.stringify(doc);
    };
    for (const secret of [false, true]) {
      received = [];
      const r = await runCli(['run', 'h.json', '--otlp', base], { ...io(), readFile: (p) => (p === 'h.json' ? documentWith(secret) : readFileSync(p, 'utf8')) });
      expect(r.stderr).toBe('');
      expect(received).toHaveLength(1);
      if (secret) {
        expect(received[0]!.body).not.toContain(planted);
        expect(received[0]!.body).toContain('[secret redacted]');
      } else expect(received[0]!.body).toContain(planted); // the control: unmarked, it is sent
    }
  });
});
