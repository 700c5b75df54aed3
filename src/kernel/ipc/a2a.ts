/**
 * A2A 1.0 objects as they travel inside JSON-RPC envelopes: parts, messages, tasks, artifacts
 * (REFERENCES §4.1; a2aproject/A2A specification/a2a.proto, package lf.a2a.v1).
 *
 * Naming matches the primary (non-compat) export of @a2a-js/sdk 1.3.0, which speaks A2A 1.0.
 * The SDK's TypeScript types are ts-proto's in-memory objects (numeric enums, oneofs as
 * `{ $case, value }`); what it puts on the wire is their ProtoJSON (`Task.toJSON` and kin):
 * camelCase fields, enums by name (`"TASK_STATE_WORKING"`, `"ROLE_USER"`), a part's oneof
 * flattened to one of `text`, `raw`, `url`, `data`, default values left out. These types are
 * that wire form, so an envelope is plain JSON; ipc tests check them against a ProtoJSON
 * mapping of the SDK's types. The v0.3 kind-tagged, lower-case shapes (`compat/v0_3`) are not used.
 */

/** Any JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A2A 1.0 TaskState by its ProtoJSON name; TASK_STATE_UNSPECIFIED never describes a kernel task. */
export type TaskState =
  | 'TASK_STATE_SUBMITTED'
  | 'TASK_STATE_WORKING'
  | 'TASK_STATE_INPUT_REQUIRED'
  | 'TASK_STATE_AUTH_REQUIRED'
  | 'TASK_STATE_COMPLETED'
  | 'TASK_STATE_FAILED'
  | 'TASK_STATE_CANCELED'
  | 'TASK_STATE_REJECTED';

/** Free-form metadata on a message, task, artifact or envelope. */
export type Metadata = { [key: string]: unknown };

/**
 * How a part must travel. `fact`: must arrive intact after every hop and summary, and
 * retention is measured for it. `context`: lossy allowed (paraphrase, summary, drop).
 */
export type PartTag = 'fact' | 'context';

/** Part metadata; `tag` is the kernel's fact/context mark, the rest passes through. */
export interface PartMetadata {
  tag?: PartTag;
  [key: string]: unknown;
}

interface PartFields {
  metadata?: PartMetadata;
  /** A file name, e.g. "budget.pdf"; any part may carry one. */
  filename?: string;
  /** The content's media type, e.g. "text/plain", "application/json", "image/png". */
  mediaType?: string;
}

/** A text part: `{ text }`. */
export interface TextPart extends PartFields {
  text: string;
  data?: never;
  url?: never;
  raw?: never;
}

/** A structured data part: `{ data }`, any JSON value. */
export interface DataPart extends PartFields {
  data: JsonValue;
  text?: never;
  url?: never;
  raw?: never;
}

/** A file by reference: `{ url }`, usually with filename and mediaType. */
export interface FileRefPart extends PartFields {
  url: string;
  text?: never;
  data?: never;
  raw?: never;
}

/** A file inline: `{ raw }`, its bytes base64-encoded as ProtoJSON writes `bytes`. */
export interface FileBytesPart extends PartFields {
  raw: string;
  text?: never;
  data?: never;
  url?: never;
}

/** A section of content; exactly one of text, data, url or raw is set. */
export type Part = TextPart | DataPart | FileRefPart | FileBytesPart;

/** The content kind of a part: url and raw parts are both files. */
export type PartKind = 'text' | 'data' | 'file';

/** Who sent a message: ROLE_USER is the client side of the call, ROLE_AGENT the server side. */
export type Role = 'ROLE_USER' | 'ROLE_AGENT';

/** One unit of communication; `contextId` groups multi-turn work, `taskId` ties it to a task. */
export interface Message {
  messageId: string;
  role: Role;
  parts: Part[];
  contextId?: string;
  taskId?: string;
  metadata?: Metadata;
  /** URIs of the protocol extensions this message uses. */
  extensions?: string[];
  referenceTaskIds?: string[];
}

/** A task's current state, when it was recorded (ISO 8601, virtual time) and an optional note. */
export interface TaskStatus {
  state: TaskState;
  message?: Message;
  timestamp?: string;
}

/** An output of a task. A2A requires at least one part. */
export interface Artifact {
  artifactId: string;
  parts: Part[];
  name?: string;
  description?: string;
  metadata?: Metadata;
  extensions?: string[];
}

/**
 * The unit of work. On the wire empty `artifacts` and `history` may be left out; the kernel
 * always writes both, and parsing fills them in, so a task read back equals the task written.
 */
export interface Task {
  id: string;
  contextId: string;
  status: TaskStatus;
  artifacts: Artifact[];
  history: Message[];
  metadata?: Metadata;
}

/** Streamed: a task's status changed. */
export interface TaskStatusUpdateEvent {
  taskId: string;
  contextId: string;
  status: TaskStatus;
  metadata?: Metadata;
}

/** Streamed: an artifact was produced or grew (`append`), possibly in chunks (`lastChunk`). */
export interface TaskArtifactUpdateEvent {
  taskId: string;
  contextId: string;
  artifact: Artifact;
  append?: boolean;
  lastChunk?: boolean;
  metadata?: Metadata;
}

/** Options shared by the part builders. */
export interface PartOptions {
  tag?: PartTag;
  mediaType?: string;
  filename?: string;
  metadata?: Metadata;
}

/** Copies `fields` without its undefined members, so built objects equal their JSON round trip. */
function defined<T extends object>(fields: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) out[k] = v;
  return out as T;
}

function partFields(opts: PartOptions | undefined): PartFields {
  if (opts === undefined) return {};
  const metadata = opts.tag === undefined ? opts.metadata : { ...opts.metadata, tag: opts.tag };
  return defined({ metadata, filename: opts.filename, mediaType: opts.mediaType });
}

/** A text part, e.g. `textPart('Budget: $4,000', { tag: 'fact' })`. */
export function textPart(text: string, opts?: PartOptions): TextPart {
  return { text, ...partFields(opts) };
}

/** A data part carrying a JSON value. */
export function dataPart(data: JsonValue, opts?: PartOptions): DataPart {
  return { data, ...partFields(opts) };
}

/** A file reference part: the file stays where it is, the part carries its URL. */
export function fileRef(url: string, opts?: PartOptions): FileRefPart {
  return { url, ...partFields(opts) };
}

/** An inline file part; `base64` is the file's bytes, base64-encoded. */
export function fileBytes(base64: string, opts?: PartOptions): FileBytesPart {
  return { raw: base64, ...partFields(opts) };
}

/** Which content a part carries. */
export function partKind(p: Part): PartKind {
  if (p.text !== undefined) return 'text';
  if ('data' in p) return 'data';
  return 'file';
}

/** The part's fact/context tag, if it has one. */
export const partTag = (p: Part): PartTag | undefined => p.metadata?.tag;

/** The parts tagged fact, in order. */
export const factsOf = (parts: readonly Part[]): Part[] => parts.filter((p) => partTag(p) === 'fact');

/** What a message is built from; undefined fields are left out of the result. */
export interface MessageInit {
  messageId: string;
  role: Role;
  parts: Part[];
  contextId?: string;
  taskId?: string;
  metadata?: Metadata;
  referenceTaskIds?: string[];
}

/** A message with only the fields given. */
export function message(init: MessageInit): Message {
  return defined({ ...init });
}

/** An artifact with only the fields given. */
export function artifact(init: Artifact): Artifact {
  return defined({ ...init });
}

/** A new task in the submitted state at virtual time `t`; the message that asked for it opens its history. */
export function newTask(init: { id: string; contextId: string; t: number; message?: Message; metadata?: Metadata }): Task {
  return defined({
    id: init.id,
    contextId: init.contextId,
    status: { state: 'TASK_STATE_SUBMITTED' as const, timestamp: virtualTimestamp(init.t) },
    artifacts: [],
    history: init.message === undefined ? [] : [init.message],
    metadata: init.metadata,
  });
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/**
 * Virtual time (ms since the run started) as the ISO 8601 UTC timestamp A2A's TaskStatus
 * carries, counting from 1970-01-01T00:00:00.000Z: `virtualTimestamp(1500)` is
 * "1970-01-01T00:00:01.500Z". Deterministic and clock-free: the calendar date comes from
 * civil_from_days (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms").
 */
export function virtualTimestamp(t: number): string {
  const ms = Math.max(0, Math.round(t));
  const days = Math.floor(ms / 86_400_000);
  const inDay = ms - days * 86_400_000;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const h = Math.floor(inDay / 3_600_000);
  const m = Math.floor((inDay % 3_600_000) / 60_000);
  const s = Math.floor((inDay % 60_000) / 1000);
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}.${pad(inDay % 1000, 3)}Z`;
}
