/**
 * Test helper for the OTLP export: runs a shipped example to its stop as the CLI does. (Decoding
 * with the official OpenTelemetry classes: src/providers/testing/otelDecode.ts.)
 */
import { readFileSync } from 'node:fs';
import { Kernel, asRunId, cliAnswers, loadEncodingsFor, parseHarness, runToStop, type HarnessSpec, type KernelEvent } from '../kernel';
export { decodeOtlpJson, protoRoundTrip, withoutDefaults, type DecodedSpan, type Plain } from '../providers/testing/otelDecode';

/** Runs `public/examples/NAME` at `seed` as the CLI does (asks approved), returning its events and document. */
export async function runExample(name: string, seed: number, runId = `otel-${seed}`): Promise<{ spec: HarnessSpec; events: KernelEvent[] }> {
  const parsed = parseHarness(JSON.parse(readFileSync(`public/examples/${name}`, 'utf8')));
  if (!parsed.ok) throw new Error(`${name} is not valid`);
  await loadEncodingsFor(parsed.spec);
  const kernel = Kernel.create(parsed.spec, { runId: asRunId(runId), seed });
  await runToStop(kernel, cliAnswers('all'));
  return { spec: parsed.spec, events: [...kernel.events] };
}

