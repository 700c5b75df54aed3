/**
 * Readers for ProtoJSON wire values, used by parseEnvelope and parseResult: each checks one
 * value at a JSON path (`params.message.parts[1]`) and returns a fresh copy holding only the
 * fields A2A 1.0 defines, or throws Invalid, which those two catch: it never leaves ipc/.
 */
import type { Artifact, JsonValue, Message, Metadata, Part, PartMetadata, Task, TaskArtifactUpdateEvent, TaskStatus, TaskStatusUpdateEvent } from './a2a';
import { TASK_STATES, taskStateName } from './taskState';

/** A problem at `path`; `code` unset means "the caller's default" (InvalidParams or InvalidAgentResponse). */
export class Invalid extends Error {
  constructor(
    readonly path: string,
    readonly what: string,
    readonly code?: number,
  ) {
    super(`${path}: ${what}`);
  }
}

/** A JSON object as read. */
export type Obj = Record<string, unknown>;

/** Reads the value at `path`: a fresh, typed copy, or throws Invalid. */
export type Read<T> = (v: unknown, path: string) => T;

/** Throws the problem at `path`. */
export const fail = (path: string, what: string, code?: number): never => {
  throw new Invalid(path, what, code);
};

/** `path.key`, or `key` at the root. */
export const at = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

/** A found value in a few words, for error messages. */
export function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

/** True for a JSON object (not null, not an array). */
export const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** An object, as is (its fields are read one by one). */
export const obj: Read<Obj> = (v, path) => (isObj(v) ? v : fail(path, `expected an object, found ${describe(v)}`));

/** A string. */
export const string: Read<string> = (v, path) => (typeof v === 'string' ? v : fail(path, `expected a string, found ${describe(v)}`));

/** true or false. */
export const bool: Read<boolean> = (v, path) => (typeof v === 'boolean' ? v : fail(path, `expected true or false, found ${describe(v)}`));

/** A whole number ≥ 0. */
export const count: Read<number> = (v, path) =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : fail(path, `expected a whole number ≥ 0, found ${describe(v)}`);

/** An array of `item`s, at least one when `nonEmpty`. */
export function list<T>(item: Read<T>, nonEmpty = false): Read<T[]> {
  return (v, path) => {
    if (!Array.isArray(v)) return fail(path, `expected an array, found ${describe(v)}`);
    if (nonEmpty && v.length === 0) return fail(path, 'expected at least one item, found an empty array');
    return v.map((x: unknown, i) => item(x, `${path}[${i}]`));
  };
}

/** One of `values`; `hints` maps a known misspelling (e.g. A2A 0.3's) to the value meant. */
export function oneOf<T extends string>(values: readonly T[], hints: Readonly<Record<string, T>> = {}): Read<T> {
  const expected = values.map((s) => JSON.stringify(s)).join(', ');
  return (v, path) => {
    if (typeof v === 'string' && (values as readonly string[]).includes(v)) return v as T;
    const meant = typeof v === 'string' && Object.hasOwn(hints, v) ? hints[v] : undefined;
    const hint = meant === undefined ? '' : ` (the A2A 0.3 spelling of ${JSON.stringify(meant)})`;
    return fail(path, `expected one of ${expected}, found ${describe(v)}${hint}`);
  };
}

/** A required field; a missing one whose snake_case twin is present says so. */
export function req<T>(o: Obj, key: string, path: string, read: Read<T>): T {
  if (o[key] !== undefined) return read(o[key], at(path, key));
  const snake = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const hint = snake !== key && o[snake] !== undefined ? ` (${snake} is set: A2A 1.0 JSON names fields in camelCase)` : '';
  return fail(at(path, key), `required, found nothing${hint}`);
}

/** An optional field: undefined when absent. */
export const opt = <T>(o: Obj, key: string, path: string, read: Read<T>): T | undefined => (o[key] === undefined ? undefined : read(o[key], at(path, key)));

/** Copies `fields` without its undefined members. */
export function defined<T extends object>(fields: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) out[k] = v;
  return out as T;
}

const MAX_DEPTH = 64;

/** A deep copy of a JSON value; keys named `__proto__` stay plain data. */
export function json(v: unknown, path: string, depth = 0): JsonValue {
  if (depth > MAX_DEPTH) return fail(path, `expected JSON nested at most ${MAX_DEPTH} deep`);
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : fail(path, `expected a JSON number, found ${String(v)}`);
  if (Array.isArray(v)) return v.map((x: unknown, i) => json(x, `${path}[${i}]`, depth + 1));
  if (isObj(v) && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)) {
    const out: { [key: string]: JsonValue } = {};
    for (const [k, x] of Object.entries(v)) {
      if (x !== undefined) Object.defineProperty(out, k, { value: json(x, at(path, k), depth + 1), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return fail(path, `expected a JSON value, found ${describe(v)}`);
}

/** Free-form metadata: an object of JSON values. */
export const metadata: Read<Metadata> = (v, path) => json(obj(v, path), path) as Metadata;

/** Part metadata: `tag`, when set, is fact or context. */
export const partMetadata: Read<PartMetadata> = (v, path) => {
  const m = metadata(v, path);
  if (m.tag !== undefined && m.tag !== 'fact' && m.tag !== 'context') fail(at(path, 'tag'), `expected "fact" or "context", found ${describe(m.tag)}`);
  return m as PartMetadata;
};

const PART_CONTENT = ['text', 'data', 'url', 'raw'] as const;

/** A part: exactly one of text, data, url or raw. */
export const part: Read<Part> = (v, path) => {
  const o = obj(v, path);
  const present = PART_CONTENT.filter((k) => o[k] !== undefined);
  if (present.length === 0) {
    const found = o.kind === undefined ? 'none of them' : `kind ${describe(o.kind)}, the A2A 0.3 shape (1.0 parts carry their content in text, data, url or raw)`;
    return fail(path, `expected one of text, data, url or raw, found ${found}`);
  }
  if (present.length > 1) return fail(path, `expected exactly one of text, data, url or raw, found ${present.join(' and ')}`);
  const key = present[0]!;
  const content = key === 'data' ? { data: json(o.data, at(path, 'data')) } : { [key]: string(o[key], at(path, key)) };
  return defined({
    ...content,
    metadata: opt(o, 'metadata', path, partMetadata),
    filename: opt(o, 'filename', path, string),
    mediaType: opt(o, 'mediaType', path, string),
  }) as Part;
};

/** ROLE_USER or ROLE_AGENT. */
export const role = oneOf(['ROLE_USER', 'ROLE_AGENT'] as const, { user: 'ROLE_USER', agent: 'ROLE_AGENT' });

/** A TaskState name; a v0.3 lower-case name is hinted. */
export const taskState = oneOf(TASK_STATES, Object.fromEntries(TASK_STATES.map((s) => [taskStateName(s), s])));

/** A message. */
export const message: Read<Message> = (v, path) => {
  const o = obj(v, path);
  return defined({
    messageId: req(o, 'messageId', path, string),
    role: req(o, 'role', path, role),
    parts: req(o, 'parts', path, list(part, true)),
    contextId: opt(o, 'contextId', path, string),
    taskId: opt(o, 'taskId', path, string),
    metadata: opt(o, 'metadata', path, metadata),
    extensions: opt(o, 'extensions', path, list(string)),
    referenceTaskIds: opt(o, 'referenceTaskIds', path, list(string)),
  });
};

/** A task status. */
export const taskStatus: Read<TaskStatus> = (v, path) => {
  const o = obj(v, path);
  return defined({ state: req(o, 'state', path, taskState), message: opt(o, 'message', path, message), timestamp: opt(o, 'timestamp', path, string) });
};

/** An artifact. */
export const artifact: Read<Artifact> = (v, path) => {
  const o = obj(v, path);
  return defined({
    artifactId: req(o, 'artifactId', path, string),
    parts: req(o, 'parts', path, list(part, true)),
    name: opt(o, 'name', path, string),
    description: opt(o, 'description', path, string),
    metadata: opt(o, 'metadata', path, metadata),
    extensions: opt(o, 'extensions', path, list(string)),
  });
};

/** A task; left-out artifacts and history read as empty. */
export const task: Read<Task> = (v, path) => {
  const o = obj(v, path);
  return defined({
    id: req(o, 'id', path, string),
    contextId: req(o, 'contextId', path, string),
    status: req(o, 'status', path, taskStatus),
    artifacts: opt(o, 'artifacts', path, list(artifact)) ?? [],
    history: opt(o, 'history', path, list(message)) ?? [],
    metadata: opt(o, 'metadata', path, metadata),
  });
};

/** A TaskStatusUpdateEvent. */
export const statusUpdate: Read<TaskStatusUpdateEvent> = (v, path) => {
  const o = obj(v, path);
  return defined({
    taskId: req(o, 'taskId', path, string),
    contextId: req(o, 'contextId', path, string),
    status: req(o, 'status', path, taskStatus),
    metadata: opt(o, 'metadata', path, metadata),
  });
};

/** A TaskArtifactUpdateEvent. */
export const artifactUpdate: Read<TaskArtifactUpdateEvent> = (v, path) => {
  const o = obj(v, path);
  return defined({
    taskId: req(o, 'taskId', path, string),
    contextId: req(o, 'contextId', path, string),
    artifact: req(o, 'artifact', path, artifact),
    append: opt(o, 'append', path, bool),
    lastChunk: opt(o, 'lastChunk', path, bool),
    metadata: opt(o, 'metadata', path, metadata),
  });
};

/** A ProtoJSON oneof: exactly one of the members in `readers` is set. */
export function oneofMember<T>(readers: Readonly<Record<string, Read<unknown>>>): Read<T> {
  const names = Object.keys(readers);
  const expected = `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
  return (v, path) => {
    const o = obj(v, path);
    const present = names.filter((k) => o[k] !== undefined);
    if (present.length !== 1) return fail(path, `expected exactly one of ${expected}, found ${present.length === 0 ? 'none of them' : present.join(' and ')}`);
    const key = present[0]!;
    return { [key]: readers[key]!(o[key], at(path, key)) } as T;
  };
}
