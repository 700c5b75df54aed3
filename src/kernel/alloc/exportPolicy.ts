/**
 * The export policy of each allocator class, enforced where objects leave the run: a trace file,
 * OpenTelemetry, another agent. The export paths ask here; nothing is withheld unless the document
 * says so (`alloc.classes.<class>.export.<path>: false`).
 *
 * Which events carry a class's objects, and how they are kept out:
 * - `tool-call`: the tool.* events and proc.read. OTel: left out whole (no execute_tool span);
 *   file: their arguments and results are withheld.
 * - `job-descriptor`: job.published. OTel: left out whole; file: its system prompt is withheld.
 * - `trace-span`: every event. OTel: only the run's root span (run.started, its content withheld); file: every content field is withheld.
 * - `prompt-segment`: the text an event brings into a window (answers, messages read, pages
 *   faulted in, summaries): withheld on both paths; the event stays.
 * - `archive-chunk`: store documents at start, chunks stored and retrieved: withheld on both paths.
 * A file with withheld fields reads, replays its structure, but not its texts (its trace hash differs).
 */
import type { AllocSpec } from '../spec/schema';
import type { KernelEvent, KernelEventType } from '../trace/events';
import { OPEN_POLICY, SLAB_CLASS_NAMES, type ExportPath, type ExportPolicy, type SlabClassName } from './slabClass';

/** What replaces a withheld field's value. */
export const WITHHELD = '[withheld by allocator class policy]';

/** Each class's policy as the document declares it (absent paths allowed). */
export function exportPolicies(spec: { alloc?: AllocSpec | undefined }): Record<SlabClassName, ExportPolicy> {
  const out = {} as Record<SlabClassName, ExportPolicy>;
  for (const name of SLAB_CLASS_NAMES) out[name] = { ...OPEN_POLICY, ...spec.alloc?.classes[name]?.export };
  return out;
}

/** The classes whose objects may not take `path`, in view order. */
export function withheldClasses(spec: { alloc?: AllocSpec | undefined }, path: ExportPath): SlabClassName[] {
  const p = exportPolicies(spec);
  return SLAB_CLASS_NAMES.filter((c) => !p[c][path]);
}

const TOOL_EVENTS: ReadonlySet<KernelEventType> = new Set(['tool.called', 'tool.allowed', 'tool.denied', 'tool.asked', 'tool.approved', 'tool.returned', 'proc.read']);
const TOOL_FIELDS = ['args', 'result', 'chunks', 'stored', 'core', 'snapshot', 'mcp'];
/** Fields that carry text into a window, by event type (the prompt-segment class). */
const SEGMENT_FIELDS: Partial<Record<KernelEventType, readonly string[]>> = {
  'infer.completed': ['text', 'action', 'record'],
  'agent.woke': ['text'],
  'mem.faulted': ['text'],
  'mem.compacted': ['summary'],
  'remote.replied': ['text'],
};
const CHUNK_FIELDS: Partial<Record<KernelEventType, readonly string[]>> = { 'run.started': ['stores'], 'tool.returned': ['stored', 'chunks'] };
const CONTENT_FIELDS = ['text', 'result', 'args', 'system', 'envelope', 'partial', 'answer', 'summary', 'record', 'chunks', 'stored', 'core', 'stores', 'snapshot', 'action'];

/**
 * The filter an export path applies to each event: the event as it may leave, a copy with
 * withheld fields, or null (left out whole). Null when the document withholds nothing from the
 * path, so an export without policies costs nothing. O(1) per event (a few set look-ups).
 */
export function exportFilter(spec: { alloc?: AllocSpec | undefined }, path: ExportPath): ((e: KernelEvent) => KernelEvent | null) | null {
  const off = new Set(withheldClasses(spec, path));
  if (off.size === 0 || path === 'ipc') return null;
  return (e) => {
    const whole = off.has('trace-span') || (off.has('tool-call') && TOOL_EVENTS.has(e.type)) || (off.has('job-descriptor') && e.type === 'job.published');
    // The run's own span stays (its start carries no object of these classes once withheld).
    if (whole && path === 'otel' && e.type !== 'run.started') return null;
    const fields = new Set<string>();
    if (off.has('trace-span')) CONTENT_FIELDS.forEach((f) => fields.add(f));
    if (off.has('tool-call') && TOOL_EVENTS.has(e.type)) TOOL_FIELDS.forEach((f) => fields.add(f));
    if (off.has('job-descriptor') && e.type === 'job.published') fields.add('system');
    if (off.has('prompt-segment')) SEGMENT_FIELDS[e.type]?.forEach((f) => fields.add(f));
    if (off.has('archive-chunk')) CHUNK_FIELDS[e.type]?.forEach((f) => fields.add(f));
    return withheld(e, fields);
  };
}

/**
 * A trace file's events (path file): each event as the document's allocator classes let it leave.
 * What `harness run --trace` writes and the studio's JSONL download saves, so both files hold the
 * same. `spec` null: the document is not known (withhold nothing, as the OTel export does). The same
 * array when nothing is withheld; O(1) per event otherwise.
 */
export function traceFileEvents(spec: { alloc?: AllocSpec | undefined } | null, events: readonly KernelEvent[]): readonly KernelEvent[] {
  const filter = spec === null ? null : exportFilter(spec, 'file');
  if (filter === null) return events;
  const out: KernelEvent[] = [];
  for (const e of events) {
    const kept = filter(e);
    if (kept !== null) out.push(kept);
  }
  return out;
}

function withheld(e: KernelEvent, fields: ReadonlySet<string>): KernelEvent {
  let out: Record<string, unknown> | null = null;
  for (const f of fields) {
    if (!(f in e)) continue;
    out ??= { ...e };
    out[f] = WITHHELD;
  }
  return (out ?? e) as KernelEvent;
}

/**
 * The class of what a window segment came from, by its source (memory/segment.ts): a tool's
 * result, a chunk of a store (searched or faulted in), or else text in a window. A message's
 * content is checked against the `ipc` path by the classes of the variables it was rendered from.
 */
export function classOfSource(source: string): SlabClassName {
  if (source.startsWith('tool:')) return 'tool-call';
  if (source.startsWith('fault:store:') || source.startsWith('archive:')) return 'archive-chunk';
  return 'prompt-segment';
}
