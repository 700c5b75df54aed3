/**
 * Test helper: decodes an exported OTLP/JSON request with the official OpenTelemetry protobuf
 * classes (@opentelemetry/otlp-transformer's generated code for opentelemetry-proto), so a test
 * sees what a collector would. Shared by the CLI's and the worker's tests.
 */
import { createRequire } from 'node:module';

interface ProtoClass {
  fromObject(o: unknown): unknown;
  encode(m: unknown): { finish(): Uint8Array };
  decode(b: Uint8Array): unknown;
  toObject(m: unknown, o: Record<string, unknown>): unknown;
}

const require = createRequire(import.meta.url);
const root = require('@opentelemetry/otlp-transformer/build/src/generated/root') as {
  opentelemetry: { proto: { collector: { trace: { v1: { ExportTraceServiceRequest: ProtoClass } } } } };
};
/** opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest, as the OpenTelemetry JS exporters build it. */
export const ExportTraceServiceRequest = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

/** A decoded attribute value, as plain JS. */
export type Plain = string | number | boolean | Plain[] | null;

export interface DecodedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  start: bigint;
  end: bigint;
  attributes: Record<string, Plain>;
  events: { name: string; time: bigint; attributes: Record<string, Plain> }[];
  droppedEventsCount: number;
  status: { code: number; message: string };
}

const ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);

/** OTLP/JSON writes ids as hex where protobuf's JSON mapping has base64: the one difference to undo before decoding. */
function idsToBytes(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(idsToBytes);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, ID_FIELDS.has(k) && typeof x === 'string' ? Buffer.from(x, 'hex') : idsToBytes(x)]));
}

/** A decoded AnyValue as plain JS (decoded messages carry every field's default on their prototype: only own fields are set). */
function plain(value: Record<string, unknown> | undefined): Plain {
  if (!value) return null;
  const has = (k: string) => Object.prototype.hasOwnProperty.call(value, k);
  if (has('stringValue')) return value.stringValue as string;
  if (has('boolValue')) return value.boolValue as boolean;
  if (has('intValue')) return Number(value.intValue);
  if (has('doubleValue')) return value.doubleValue as number;
  if (has('arrayValue')) return (((value.arrayValue as { values?: Record<string, unknown>[] }).values) ?? []).map(plain);
  throw new Error(`an attribute value of an unknown kind: ${JSON.stringify(value)}`);
}

const attrs = (list: { key: string; value: Record<string, unknown> }[] | undefined): Record<string, Plain> => Object.fromEntries((list ?? []).map((kv) => [kv.key, plain(kv.value)]));
const hex = (b: Uint8Array | undefined): string => Buffer.from(b ?? []).toString('hex');

/**
 * Parses OTLP/JSON text, encodes it to protobuf bytes by the proto schema and decodes those:
 * the spans as a collector receives them. (protoRoundTrip shows nothing was dropped as unknown.)
 */
export function decodeOtlpJson(text: string): { spans: DecodedSpan[]; resource: Record<string, Plain>; scopes: { name: string; version: string }[]; bytes: Uint8Array } {
  const json = JSON.parse(text) as unknown;
  const withBytes = idsToBytes(json);
  const bytes = ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject(withBytes)).finish();
  const decoded = ExportTraceServiceRequest.decode(bytes) as {
    resourceSpans: { resource?: { attributes?: never[] }; scopeSpans: { scope?: { name: string; version: string }; spans: Record<string, never>[] }[] }[];
  };
  const spans: DecodedSpan[] = [];
  const scopes: { name: string; version: string }[] = [];
  let resource: Record<string, Plain> = {};
  for (const rs of decoded.resourceSpans) {
    resource = attrs(rs.resource?.attributes);
    for (const ss of rs.scopeSpans) {
      scopes.push({ name: ss.scope?.name ?? '', version: ss.scope?.version ?? '' });
      for (const s of ss.spans as Record<string, unknown>[]) {
        const status = (s.status ?? {}) as { code?: number; message?: string };
        spans.push({
          traceId: hex(s.traceId as Uint8Array),
          spanId: hex(s.spanId as Uint8Array),
          parentSpanId: hex(s.parentSpanId as Uint8Array),
          name: s.name as string,
          kind: s.kind as number,
          start: BigInt(String(s.startTimeUnixNano)),
          end: BigInt(String(s.endTimeUnixNano)),
          attributes: attrs(s.attributes as never),
          events: ((s.events ?? []) as Record<string, unknown>[]).map((e) => ({ name: e.name as string, time: BigInt(String(e.timeUnixNano)), attributes: attrs(e.attributes as never) })),
          droppedEventsCount: (s.droppedEventsCount as number) ?? 0,
          status: { code: status.code ?? 0, message: status.message ?? '' },
        });
      }
    }
  }
  return { spans, resource, scopes, bytes };
}

/**
 * The request as protobuf's JSON mapping gives it back after encoding and decoding, ids in hex
 * again and defaults left out: equal to the exported JSON (defaults left out too) exactly when
 * every field the export wrote is a field of the schema, of the right type.
 */
export function protoRoundTrip(text: string): unknown {
  const m = ExportTraceServiceRequest.decode(ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject(idsToBytes(JSON.parse(text)))).finish());
  const back = ExportTraceServiceRequest.toObject(m, { longs: String, enums: Number, bytes: String, defaults: false, oneofs: false });
  return withoutDefaults(hexIds(back));
}

function hexIds(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(hexIds);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, ID_FIELDS.has(k) && typeof x === 'string' ? Buffer.from(x, 'base64').toString('hex') : hexIds(x)]));
}

const ANY_VALUE_KEYS = new Set(['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue']);

/** Leaves out proto3 defaults (0, '', [], empty messages), except the one member an AnyValue holds. */
export function withoutDefaults(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutDefaults);
  if (v === null || typeof v !== 'object') return v;
  const entries = Object.entries(v);
  const isAnyValue = entries.length === 1 && ANY_VALUE_KEYS.has(entries[0]![0]);
  const out: Record<string, unknown> = {};
  for (const [k, x] of entries) {
    const inner = withoutDefaults(x);
    if (!isAnyValue && (inner === 0 || inner === '' || inner === '0' && k.endsWith('Count') || (Array.isArray(inner) && inner.length === 0) || (inner !== null && typeof inner === 'object' && !Array.isArray(inner) && Object.keys(inner).length === 0))) continue;
    out[k] = inner;
  }
  return out;
}
