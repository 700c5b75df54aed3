/**
 * The OTLP/HTTP JSON shapes the export writes (opentelemetry-proto, trace/v1 and
 * collector/trace/v1, in the proto3 JSON mapping OTLP/HTTP uses: lowerCamelCase field names,
 * trace and span ids as hex, 64-bit integers as decimal strings, enums as numbers).
 * Only the fields the export fills are declared.
 */

/** An attribute value (opentelemetry.proto.common.v1.AnyValue): exactly one member is set. */
export type OtlpAnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number }
  | { arrayValue: { values: OtlpAnyValue[] } };

/** A key and its value (common.v1.KeyValue). */
export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

/** A timed annotation of a span (trace.v1.Span.Event). */
export interface OtlpSpanEvent {
  timeUnixNano: string;
  name: string;
  attributes: OtlpKeyValue[];
}

/** trace.v1.Status.StatusCode: unset, ok, error. */
export const STATUS_UNSET = 0;
export const STATUS_OK = 1;
export const STATUS_ERROR = 2;

/** trace.v1.Span.SpanKind: internal work, and a call to a remote service (a model's endpoint). */
export const SPAN_KIND_INTERNAL = 1;
export const SPAN_KIND_CLIENT = 3;

/** One span (trace.v1.Span). `parentSpanId` is absent on the root. */
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  events?: OtlpSpanEvent[];
  droppedEventsCount?: number;
  status: { code: number; message?: string };
}

/** The body of a POST to a collector's /v1/traces (collector.trace.v1.ExportTraceServiceRequest). */
export interface OtlpExportRequest {
  resourceSpans: {
    resource: { attributes: OtlpKeyValue[] };
    scopeSpans: { scope: { name: string; version: string }; spans: OtlpSpan[] }[];
  }[];
}

/** `value` as an OTLP attribute value; null for what has none (null, undefined, functions). */
export function anyValue(value: unknown): OtlpAnyValue | null {
  switch (typeof value) {
    case 'string':
      return { stringValue: value };
    case 'boolean':
      return { boolValue: value };
    case 'number':
      if (Number.isSafeInteger(value)) return { intValue: String(value) };
      // NaN and the infinities have no JSON form: say them as text.
      return Number.isFinite(value) ? { doubleValue: value } : { stringValue: String(value) };
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) {
        return { arrayValue: { values: value.map((v) => anyValue(v)!) } };
      }
      return { stringValue: JSON.stringify(value) };
    }
    default:
      return null;
  }
}

/** Attributes from a record of plain values (those with no OTLP value are left out). */
export function attributes(record: Readonly<Record<string, unknown>>): OtlpKeyValue[] {
  const out: OtlpKeyValue[] = [];
  for (const [key, v] of Object.entries(record)) {
    const value = anyValue(v);
    if (value !== null) out.push({ key, value });
  }
  return out;
}
