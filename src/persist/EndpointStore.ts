/**
 * Model endpoints (Settings): name, wire kind, base URL and API key. The key is written here and
 * read back only by `withKey`, which the worker calls to build a provider; every other read
 * returns an EndpointSummary, which says whether a key is stored (`hasKey`) and never holds it.
 */
import type { EndpointRow, StudioDb } from './StudioDb';
import { withStorage } from './storageError';

export const ENDPOINT_KINDS = ['openai', 'anthropic'] as const;
export type EndpointKind = (typeof ENDPOINT_KINDS)[number];

/** An endpoint as the UI sees it: everything but the key. */
export interface EndpointSummary {
  id: string;
  name: string;
  kind: EndpointKind;
  baseUrl: string;
  hasKey: boolean;
  createdAt: number;
  updatedAt: number;
}

/**
 * What Settings saves. `id` absent: a new endpoint. `apiKey` absent: keep the stored key
 * (editing other fields never needs the key back); '' removes it.
 */
export interface EndpointInput {
  id?: string;
  name: string;
  kind: EndpointKind;
  baseUrl: string;
  apiKey?: string;
}

/** Why an endpoint cannot be saved, said plainly; null when it can. */
export function endpointInputProblem(input: EndpointInput): string | null {
  if (input.name.trim() === '') return 'Name: give the endpoint a name (models refer to it by name).';
  // A model's choice `local:<file>` means a GGUF stored in this browser (worker/api.ts).
  if (input.name.trim().toLowerCase().startsWith('local:')) return 'Name: names starting with "local:" are for GGUF files stored in this browser; pick another name.';
  if (!(ENDPOINT_KINDS as readonly string[]).includes(input.kind)) return `Kind: "${String(input.kind)}" is not one of ${ENDPOINT_KINDS.join(', ')}.`;
  let url: URL;
  try {
    url = new URL(input.baseUrl.trim());
  } catch {
    return `Base URL: "${input.baseUrl}" is not a URL; write it like http://127.0.0.1:11434/v1 or https://api.openai.com/v1.`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `Base URL: use http:// or https://, not ${url.protocol}`;
  if (url.username || url.password) return 'Base URL: put the key in the API key field, not in the URL.';
  if (url.search) return 'Base URL: remove the query string (keys never go in a URL).';
  return null;
}

export function toSummary(row: EndpointRow): EndpointSummary {
  return { id: row.id, name: row.name, kind: row.kind, baseUrl: row.baseUrl, hasKey: row.apiKey !== '', createdAt: row.createdAt, updatedAt: row.updatedAt };
}

export class EndpointStore {
  constructor(
    private readonly db: StudioDb,
    private readonly now: () => number = Date.now,
  ) {}

  /** Every endpoint, by name, without keys. */
  list(): Promise<EndpointSummary[]> {
    return withStorage('read the endpoints', async () => (await this.db.endpoints.orderBy('name').toArray()).map(toSummary));
  }

  /** The full row with its key: for the worker building a provider, never for the UI. */
  withKey(idOrName: string): Promise<EndpointRow | undefined> {
    return withStorage('read an endpoint', async () => (await this.db.endpoints.get(idOrName)) ?? (await this.db.endpoints.where('name').equals(idOrName).first()));
  }

  /** Adds or updates an endpoint; throws an Error naming the field when the input is wrong or the name is taken. */
  async save(input: EndpointInput): Promise<EndpointSummary> {
    const problem = endpointInputProblem(input);
    if (problem) throw new Error(problem);
    const name = input.name.trim();
    const clash = await withStorage('read the endpoints', () => this.db.endpoints.where('name').equals(name).first());
    if (clash && clash.id !== input.id) throw new Error(`Name: an endpoint named "${name}" already exists; pick another name or edit that one.`);
    const old = input.id ? await withStorage('read an endpoint', () => this.db.endpoints.get(input.id!)) : undefined;
    const t = this.now();
    const row: EndpointRow = {
      id: old?.id ?? input.id ?? crypto.randomUUID(),
      name,
      kind: input.kind,
      baseUrl: input.baseUrl.trim(),
      apiKey: input.apiKey === undefined ? (old?.apiKey ?? '') : input.apiKey.trim(),
      createdAt: old?.createdAt ?? t,
      updatedAt: t,
    };
    await withStorage('save an endpoint', () => this.db.endpoints.put(row));
    return toSummary(row);
  }

  delete(id: string): Promise<void> {
    return withStorage('delete an endpoint', () => this.db.endpoints.delete(id));
  }
}
