/** Branded ids: a RunId cannot be passed where an AgentId is expected. */
export type Brand<T, B extends string> = T & { readonly __brand: B };
export type RunId = Brand<string, 'RunId'>;
export type AgentId = string;
export type ToolId = string;
export type ModelId = string;

export const asRunId = (s: string): RunId => s as RunId;

/**
 * An empty table keyed by ids or names: a null-prototype record, so an id such as
 * `constructor`, `toString` or `__proto__` is an ordinary key (absent until set, never a
 * method of Object.prototype, never the prototype setter). Every id-keyed table of the
 * kernel's state starts as one; `cloneState` keeps them so.
 */
export function idTable<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** A copy of `record` as an id table (see idTable). */
export function toIdTable<T>(record: Readonly<Record<string, T>>): Record<string, T> {
  const out = idTable<T>();
  for (const key of Object.keys(record)) out[key] = record[key]!;
  return out;
}

/** Sets `record[key]` as an own data property: a key named `__proto__` is data, not the prototype setter. */
export function putOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

/** `record[key]` when `record` has it as its own property; never a member of Object.prototype. */
export function ownValue<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}
