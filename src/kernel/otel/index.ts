/**
 * OpenTelemetry export of a run: its trace as OTLP/HTTP JSON (`ExportTraceServiceRequest`
 * bodies, to POST to a collector's /v1/traces or to save as a file). Pure: the caller sends.
 */
import type { KernelEvent } from '../trace/events';
import { attributes, type OtlpExportRequest, type OtlpSpan } from './otlp';
import { OtelSpanStream, type OtelExportOptions } from './otelSpans';

export { OtelSpanStream, otelSpanId, otelTraceId, type OtelExportOptions } from './otelSpans';
export type { OtlpAnyValue, OtlpExportRequest, OtlpKeyValue, OtlpSpan, OtlpSpanEvent } from './otlp';

/** The instrumentation scope the spans are reported under. */
export const OTEL_SCOPE = { name: 'harness-studio', version: '1' } as const;

/** Spans per request when a run is sent in parts (collectors limit a request's size). */
export const OTLP_BATCH_SPANS = 512;

/** The request that carries `spans`, with the resource that says who made them and that time is virtual. */
export function otlpRequest(spans: OtlpSpan[], serviceName = 'harness-studio'): OtlpExportRequest {
  return {
    resourceSpans: [
      {
        resource: { attributes: attributes({ 'service.name': serviceName, 'harness.time.virtual': true }) },
        scopeSpans: [{ scope: { ...OTEL_SCOPE }, spans }],
      },
    ],
  };
}

/**
 * A run's trace as OTLP requests of at most `maxSpans` spans each, made as the events are read
 * (a long run is never held whole: each request is built when enough spans have closed).
 */
export function* otlpBatches(events: Iterable<KernelEvent>, options: OtelExportOptions, maxSpans = OTLP_BATCH_SPANS): Generator<OtlpExportRequest> {
  if (!Number.isInteger(maxSpans) || maxSpans < 1) throw new Error(`OTLP export: maxSpans must be a positive integer, found ${maxSpans}`);
  const stream = new OtelSpanStream(options);
  let pending: OtlpSpan[] = [];
  for (const e of events) {
    for (const span of stream.push(e)) {
      pending.push(span);
      if (pending.length >= maxSpans) {
        yield otlpRequest(pending);
        pending = [];
      }
    }
  }
  pending.push(...stream.end());
  while (pending.length > 0) {
    yield otlpRequest(pending.slice(0, maxSpans));
    pending = pending.slice(maxSpans);
  }
}

/** A run's whole trace as one OTLP request (the studio's download). */
export function traceToOtlp(events: Iterable<KernelEvent>, options: OtelExportOptions): OtlpExportRequest {
  const spans: OtlpSpan[] = [];
  for (const request of otlpBatches(events, options, Number.MAX_SAFE_INTEGER)) spans.push(...request.resourceSpans[0]!.scopeSpans[0]!.spans);
  return otlpRequest(spans);
}

/** The document's models as the export names them: id → provider and the provider's model name. */
export function otelModels(spec: { models: readonly { id: string; provider: string; model: string }[] }): Record<string, { provider: string; model: string }> {
  return Object.fromEntries(spec.models.map((m) => [m.id, { provider: m.provider, model: m.model }]));
}
