/**
 * The studio's OpenTelemetry export over the worker protocol: the collector setting kept like an
 * API key, a run's OTLP JSON (decoded with the official OpenTelemetry protobuf classes), and a
 * send to a collector stand-in (the providers' wire server on 127.0.0.1, recording requests).
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { StudioDb } from '../persist';
import { WireServer } from '../providers/testing/wireServer';
import { decodeOtlpJson } from '../providers/testing/otelDecode';
import { OTEL_COLLECTOR_KEY } from './otelCollector';
import { connect, exampleDoc, freshDb, type Connection } from './testing/testChannel';

const HEADER = 'Basic cGstbGYtMTIzNDpzay1sZi01Njc4';
const open: Array<Connection | StudioDb | WireServer> = [];
afterEach(async () => {
  for (const x of open.splice(0).reverse()) await x.close();
});
function setup(): Connection {
  const db = freshDb();
  open.push(db);
  const c = connect(db, { now: () => 1_767_000_000_000 });
  open.push(c);
  return c;
}
async function stoppedRun(c: Connection, doc: unknown = exampleDoc()) {
  const project = await c.remote.createProject('p', doc);
  const started = await c.remote.startRun(project.id, doc, 1);
  if (!started.ok) throw new Error('start failed');
  const run = await c.remote.play(started.run.id, []);
  expect(run.status).toBe('stopped');
  return run;
}

describe('OpenTelemetry export in the studio', () => {
  it('keeps the collector headers like a key: Settings gets names only, getSetting cannot read them', async () => {
    const c = setup();
    expect(await c.remote.getOtelCollector()).toBeNull();
    await expect(c.remote.saveOtelCollector({ url: 'collector:4318', headers: '' })).rejects.toThrow('URL: use http:// or https://, not collector:');
    await expect(c.remote.saveOtelCollector({ url: 'http://127.0.0.1:4318', headers: 'Authorization Basic x' })).rejects.toThrow('Headers: line 1 is not "Name: value"');
    const saved = await c.remote.saveOtelCollector({ url: 'http://127.0.0.1:4318', headers: `Authorization: ${HEADER}\nx-tenant: acme` });
    expect(saved).toEqual({ url: 'http://127.0.0.1:4318', tracesUrl: 'http://127.0.0.1:4318/v1/traces', headerNames: ['Authorization', 'x-tenant'] });
    // Saving without headers keeps them.
    expect(await c.remote.saveOtelCollector({ url: 'http://127.0.0.1:6006/v1/traces' })).toMatchObject({ tracesUrl: 'http://127.0.0.1:6006/v1/traces', headerNames: ['Authorization', 'x-tenant'] });
    expect(await c.remote.getSetting(OTEL_COLLECTOR_KEY)).toBeUndefined();
    await expect(c.remote.setSetting(OTEL_COLLECTOR_KEY, { url: 'http://evil', headers: {} })).rejects.toThrow();
    expect(JSON.stringify(await c.remote.getOtelCollector())).not.toContain(HEADER);
    await c.remote.deleteOtelCollector();
    expect(await c.remote.getOtelCollector()).toBeNull();
  });

  it("gives a stored run's OTLP JSON, its virtual time placed at the run's creation", async () => {
    const c = setup();
    const run = await stoppedRun(c);
    const { spans } = decodeOtlpJson(await c.remote.runOtlp(run.id));
    const root = spans.find((s) => s.parentSpanId === '')!;
    expect(root.name).toBe('invoke_workflow Research team');
    expect(root.start).toBe(BigInt(run.createdAt) * 1_000_000n);
    expect(root.attributes['harness.run.id']).toBe(run.id);
    expect(spans.filter((s) => s.name.startsWith('chat ')).length).toBeGreaterThan(3);
  });

  it('sends the run to the collector with its headers, and says why when the collector refuses', async () => {
    const server = await WireServer.start();
    open.push(server);
    const c = setup();
    const run = await stoppedRun(c);
    await expect(c.remote.sendRunOtlp(run.id)).rejects.toThrow('No OpenTelemetry collector is set');
    await c.remote.saveOtelCollector({ url: server.url, headers: `Authorization: ${HEADER}` });
    server.script('/v1/traces', { body: '{}' }, { status: 401, body: 'bad credentials' });
    const sent = await c.remote.sendRunOtlp(run.id);
    expect(sent.url).toBe(`${server.url}/v1/traces`);
    const [req] = server.requests;
    expect(req!.method).toBe('POST');
    expect(req!.headers.authorization).toBe(HEADER);
    expect(req!.headers['content-type']).toBe('application/json');
    const { spans } = decodeOtlpJson(req!.raw);
    expect(sent.spans).toBe(spans.length);
    expect(await c.remote.runOtlp(run.id)).toBe(req!.raw);
    await expect(c.remote.sendRunOtlp(run.id)).rejects.toThrow(`The collector at ${server.url}/v1/traces refused the export: HTTP 401 Unauthorized: bad credentials (check the headers in Settings › OpenTelemetry collector)`);
  });

  it("redacts the run document's secrets from what it sends, and names an unreachable collector", async () => {
    const server = await WireServer.start();
    open.push(server);
    const planted = 'sk-live-PLANTED-9191';
    const doc = JSON.parse(readFileSync('public/examples/injection.json', 'utf8')) as { tools: { id: string; secret?: boolean; impl: { result: string } }[]; policy: { taint: string } };
    const vault = doc.tools.find((t) => t.id === 'vault_read')!;
    vault.impl.result = planted;
    vault.secret = true;
    doc.policy.taint = 'off';
    const c = setup();
    const run = await stoppedRun(c, doc);
    await c.remote.saveOtelCollector({ url: server.url });
    server.always('/v1/traces', { body: '{}' });
    await c.remote.sendRunOtlp(run.id);
    expect(server.requests[0]!.raw).toContain('[secret redacted]');
    expect(server.requests[0]!.raw).not.toContain(planted);
    const url = server.url;
    await server.close();
    await expect(c.remote.sendRunOtlp(run.id)).rejects.toThrow(`Could not reach the collector at ${url}/v1/traces`);
  });
});
