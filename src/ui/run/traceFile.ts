/**
 * Trace files in and out of the studio: a run downloads as JSONL (docs/trace-format.md),
 * gzipped if asked (CompressionStream), and a JSONL(.gz) trace from the CLI or another browser
 * opens as a stopped run of the open project. The bytes are the CLI's format both ways.
 */
import { studio } from '../../bridge/client';
import type { KernelEvent, TraceFile } from '../../kernel';
import { parseHarness, readTraceFile, specHash, toJsonl, traceFileEvents } from '../../kernel';
import { useStudio } from '../../store';
import { downloadData } from '../shared/download';
import { showRunAt } from './runController';

const LOAD_MAX = 32000;

/** gzip starts with these two bytes (RFC 1952 §2.3.1), whatever the file is called. */
export const isGzip = (bytes: Uint8Array): boolean => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/** A file the drop should open as a trace rather than import as a project. */
export const isTraceFileName = (name: string): boolean => /\.(jsonl|ndjson)(\.gz)?$/i.test(name);

async function through(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Blob([bytes as BlobPart]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

export const gzip = (text: string): Promise<Uint8Array> => through(new TextEncoder().encode(text), new CompressionStream('gzip'));

/**
 * Reads a trace file's bytes (gzipped or not) into its run. A bad file is an error naming the
 * file, and where the trace is broken the line and what is wrong there.
 */
export async function readTraceBytes(name: string, bytes: Uint8Array): Promise<{ ok: true; trace: TraceFile } | { ok: false; message: string }> {
  let raw = bytes;
  if (isGzip(bytes)) {
    try {
      raw = await through(bytes, new DecompressionStream('gzip'));
    } catch (err) {
      return { ok: false, message: `${name} is not a valid gzip file (${err instanceof Error ? err.message : String(err)}).` };
    }
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return { ok: false, message: `${name} is not UTF-8 text: a trace is JSONL, one JSON event per line (or that, gzipped).` };
  }
  const read = readTraceFile(text);
  return read.ok ? read : { ok: false, message: `${name} is not a trace: ${read.error.message}.` };
}

/** Every event of a stored or live run, read from the worker in pieces (what the event log reads). */
async function runEvents(runId: string, head: number): Promise<KernelEvent[]> {
  const events: KernelEvent[] = [];
  while (events.length <= head) {
    const chunk = await studio().loadEvents(runId, events.length, Math.min(head, events.length + LOAD_MAX - 1));
    if (chunk.length === 0) break;
    events.push(...chunk);
  }
  return events;
}

/**
 * Downloads the run as `<harness>-<id>.jsonl`, or `.jsonl.gz` gzipped: the events as read from the
 * worker (secrets redacted at its boundary), with what the document's allocator classes keep out
 * of a file withheld, as `harness run --trace` writes them (kernel traceFileEvents).
 */
export async function exportRunTrace(runId: string, compressed: boolean): Promise<void> {
  const meta = await studio().getRun(runId);
  if (!meta) throw new Error('This run is no longer stored.');
  const parsed = parseHarness(meta.doc);
  const text = toJsonl(traceFileEvents(parsed.ok ? parsed.spec : null, await runEvents(runId, meta.head)));
  const base = `${meta.harness.replace(/[^\w.-]+/g, '-') || 'run'}-${runId.slice(0, 8)}.jsonl`;
  if (compressed) downloadData(`${base}.gz`, (await gzip(text)) as BlobPart, 'application/gzip');
  else downloadData(base, text, 'application/x-ndjson');
}

/**
 * Opens a trace file as a stopped run of the open project and shows it at its last event. It
 * can be forked on the project's document: when the spec hashes match that is the document it
 * ran; otherwise the notice says so. Every outcome is a banner.
 */
export async function openTraceFile(file: File): Promise<void> {
  const { notify, projectId, spec, doc } = useStudio.getState();
  const fail = (message: string): void => notify({ level: 'error', key: 'trace-file', message });
  if (!projectId) return fail(`Open a project before opening the trace ${file.name}: its run is stored with a project.`);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await file.arrayBuffer());
  } catch (err) {
    return fail(`Could not read ${file.name}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const read = await readTraceBytes(file.name, bytes);
  if (!read.ok) return fail(read.message);
  const { traceHash, parent: _parent, ...trace } = read.trace;
  const same = spec !== null && specHash(spec) === trace.specHash;
  try {
    const meta = await studio().importRun(projectId, { ...trace, doc: same ? doc : null });
    await showRunAt(meta);
    notify({
      level: 'info',
      key: 'trace-file',
      project: projectId,
      message:
        `Opened ${file.name}: ${trace.events.length} events of “${trace.harness}”, seed ${trace.seed}, trace hash ${traceHash}. ` +
        (same
          ? 'It ran this project’s document: Fork here continues it.'
          : `It ran another document (spec hash ${trace.specHash}): it reads as recorded; Fork here would continue it on this project’s document.`),
    });
  } catch (err) {
    fail(`Could not open ${file.name}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
