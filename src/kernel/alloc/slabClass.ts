/**
 * The allocator's named classes, like the kernel's slab caches (`kmem_cache_create` names one per
 * object type): every object of a kind the run keeps — a prompt segment in a window, a trace
 * event, an in-flight tool call, an archive chunk, a job descriptor — is accounted to its class.
 * Each class declares how its bytes are estimated (see `bytesOf` in accountEvent.ts): the kernel
 * never measures heap memory (it cannot, in a worker or in Node, per object), so a class's bytes
 * are a declared, documented estimate, the same in every replay.
 */

/** The classes objects are allocated from, in the order the slab view lists them. */
export const SLAB_CLASS_NAMES = ['prompt-segment', 'trace-span', 'tool-call', 'archive-chunk', 'job-descriptor'] as const;

/** A class name. */
export type SlabClassName = (typeof SLAB_CLASS_NAMES)[number];

/** Where an object may go when it leaves the run. */
export const EXPORT_PATHS = ['file', 'otel', 'ipc'] as const;

/** One export path: a trace file (JSON export), OpenTelemetry (kernel/otel), or another agent (a message). */
export type ExportPath = (typeof EXPORT_PATHS)[number];

/** What a class's objects may leave the run through; absent paths are allowed (today's behaviour). */
export type ExportPolicy = Readonly<Record<ExportPath, boolean>>;

/** A class as the slab view describes it: what its objects are and how their bytes are estimated. */
export interface SlabClass {
  readonly name: SlabClassName;
  /** What one object of the class is. */
  readonly object: string;
  /** How its bytes are estimated, in words (the view and docs/memory.md show it). */
  readonly bytes: string;
}

/** Fixed per-object overheads the estimates add (declared, not measured). */
export const SLAB_HEADER = Object.freeze({ 'prompt-segment': 64, 'trace-span': 96, 'tool-call': 256, 'archive-chunk': 64, 'job-descriptor': 512 } satisfies Record<SlabClassName, number>);

/** Bytes a prompt segment's text is estimated at per token (about four bytes of UTF-8 per BPE token). */
export const BYTES_PER_TOKEN = 4;

/** The registry of classes, frozen, in view order. */
export const SLAB_CLASSES: readonly SlabClass[] = Object.freeze([
  { name: 'prompt-segment', object: 'a segment in an agent context window', bytes: `${SLAB_HEADER['prompt-segment']} B + ${BYTES_PER_TOKEN} B per token` },
  { name: 'trace-span', object: 'one trace event (an OTel span or span event when exported)', bytes: `${SLAB_HEADER['trace-span']} B + 2 B per UTF-16 unit of its text field` },
  { name: 'tool-call', object: 'a tool call in flight (called, not yet returned or denied)', bytes: `${SLAB_HEADER['tool-call']} B, declared` },
  { name: 'archive-chunk', object: 'a chunk of a store (archival or knowledge; embedding/search unit)', bytes: `${SLAB_HEADER['archive-chunk']} B + 2 B per UTF-16 unit of its text` },
  { name: 'job-descriptor', object: 'a live job (published, not finished or failed)', bytes: `${SLAB_HEADER['job-descriptor']} B, declared` },
].map((c) => Object.freeze(c as SlabClass)));

/** Everything allowed: a class without a declared policy. */
export const OPEN_POLICY: ExportPolicy = Object.freeze({ file: true, otel: true, ipc: true });
