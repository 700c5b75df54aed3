/**
 * The studio's IndexedDB database, through Dexie. This folder is the only place that imports
 * dexie. Rows are plain structured-clone data; the record types mirror the bridge contract
 * (src/worker/api.ts) because persist sits below the worker and may not import it.
 */
import Dexie, { type Table } from 'dexie';
import type { ArchiveChunk, KernelEvent, KernelState, RunRecord as ExperimentRunRecord, StopReason } from '../kernel';
import { BLOCKED_MESSAGE, VERSION_CHANGE_MESSAGE, withStorage } from './storageError';

/** The database every Harness Studio tab shares. */
export const DB_NAME = 'harness-studio';

/** A project: the harness document exactly as the user last wrote it (valid or not). */
export interface ProjectRow {
  id: string;
  name: string;
  doc: unknown;
  rev: number;
  createdAt: number;
  updatedAt: number;
}

/** One saved revision of a project's document (the latest MAX_VERSIONS per project are kept). */
export interface VersionRow {
  projectId: string;
  rev: number;
  doc: unknown;
  savedAt: number;
}

export type RunStatus = 'running' | 'paused' | 'waiting' | 'stopped' | 'interrupted';

/** A run's metadata, as the bridge's RunMeta. */
export interface RunRecord {
  id: string;
  projectId: string;
  harness: string;
  seed: number;
  parent?: { run: string; seq: number };
  status: RunStatus;
  stopReason?: StopReason;
  stopDetail?: string;
  createdAt: number;
  updatedAt: number;
  /** seq of the last committed event; -1 when none. */
  head: number;
  specHash: string;
  doc: unknown;
  /** A name the person gave the run (Runs list), and whether they pinned it to the top; neither is indexed. */
  name?: string;
  pinned?: boolean;
}

/**
 * A stored run: its record plus the lease of the worker driving it. A worker renews the lease
 * while the run is live there; an unfinished run whose lease has expired was interrupted (runLease.ts).
 */
export interface RunRow extends RunRecord {
  owner?: string;
  /** Wall-clock ms until which `owner` holds the run. */
  leaseUntil?: number;
}

/**
 * Up to EVENT_BLOCK_SIZE consecutive events of a run: event seq = block * EVENT_BLOCK_SIZE + index.
 * A full block holds them gzip-compressed as JSON (`gz`), a partial one (and any block stored
 * before compression) as `events` (see eventBlocks.ts).
 */
export interface EventBlockRow {
  runId: string;
  block: number;
  events?: KernelEvent[];
  gz?: Uint8Array;
}

/** The kernel state right after event `seq` (seek = nearest snapshot + replay). */
export interface SnapshotRow {
  runId: string;
  seq: number;
  state: KernelState;
}

/** A setting (provider endpoints, API keys, UI preferences). Never exported, never traced. */
export interface SettingRow {
  key: string;
  value: unknown;
}

/**
 * A model endpoint the user configured in Settings. `apiKey` is read only inside the worker
 * (EndpointStore.withKey); everything that leaves it is an EndpointSummary with `hasKey`.
 */
export interface EndpointRow {
  id: string;
  /** Unique, what a model in a document names (its `endpoint` reference). */
  name: string;
  kind: 'openai' | 'anthropic';
  baseUrl: string;
  apiKey: string;
  createdAt: number;
  updatedAt: number;
}

/** An archived chunk (DexieArchive): the chunk, its insertion order in its store and its length in terms. */
export interface ArchiveChunkRow extends ArchiveChunk {
  seq: number;
  length: number;
}

/** Archived chunks are stored ARCHIVE_BLOCK consecutive seqs a row: an insert of 1,000 chunks is ~60 requests, not 1,000. */
export const ARCHIVE_BLOCK = 16;

/** The archived chunks of a store with seqs block × ARCHIVE_BLOCK … (block + 1) × ARCHIVE_BLOCK − 1 (DexieArchive). */
export interface ArchiveBlockRow {
  store: string;
  block: number;
  /** [store, id] of each chunk: the unique multi-entry index finds a chunk by id and refuses an id stored twice. */
  keys: Array<[string, string]>;
  /** Ascending seq. */
  chunks: ArchiveChunkRow[];
}

/** Chunk rows (ascending seq, as version 2–4 stored them one a row) grouped into blocks. */
export function toArchiveBlocks(rows: readonly ArchiveChunkRow[]): ArchiveBlockRow[] {
  const blocks: ArchiveBlockRow[] = [];
  for (const row of rows) {
    const block = Math.floor(row.seq / ARCHIVE_BLOCK);
    let last = blocks.at(-1);
    if (!last || last.store !== row.store || last.block !== block) blocks.push((last = { store: row.store, block, keys: [], chunks: [] }));
    last.keys.push([row.store, row.id]);
    last.chunks.push(row);
  }
  return blocks;
}

/**
 * One partition of an archive segment's inverted index (archiveSegment.ts): the terms hashed
 * here, sorted, with each one's posting count and end offset in `post` (postingList.ts lists).
 */
export interface ArchivePartRow {
  store: string;
  segment: number;
  part: number;
  terms: string[];
  counts: Uint32Array;
  ends: Uint32Array;
  post: Uint8Array;
}

/** An archive segment: the postings of one insert call, or of merged segments. */
export interface ArchiveSegmentMeta {
  id: number;
  /** Live chunks indexed here (deletes lower it). */
  docs: number;
  /** Partitions (a power of two); a term lives in partition hash(term) & (parts - 1). */
  parts: number;
  /** The seqs it indexes, as sorted, disjoint [from, to] ranges. */
  ranges: Array<[number, number]>;
  /**
   * Sorted terms with a row of their own (long posting lists, archiveSegment.ts): the i-th is
   * partition `parts + i`, so a search reads only that list. Absent in segments written before.
   */
  long?: string[];
}

/** Per-store BM25 statistics, the next insertion seq and segment id, and the store's segments. */
export interface ArchiveStatsRow {
  store: string;
  docs: number;
  totalLength: number;
  nextSeq: number;
  nextSegment: number;
  segments: ArchiveSegmentMeta[];
}

/**
 * An experiment of a project (ExperimentStore): the file as the Experiments view edits it (base
 * document and dataset rows inline), the hash of its resolved form (its records carry it) and
 * where it stands. `running` in storage with no tab driving it means it was interrupted.
 */
export interface ExperimentRow {
  id: string;
  projectId: string;
  name: string;
  file: unknown;
  /** The resolved experiment's hash when it last ran; records of another hash are stale. */
  hash: string | null;
  status: 'draft' | 'running' | 'cancelled' | 'done' | 'failed';
  /** Runs the experiment needed when it last ran (grows batch by batch for adaptive seeds). */
  total: number;
  error?: string;
  createdAt: number;
  updatedAt: number;
}

/** One run's compact result (the kernel's RunRecord) within an experiment, keyed by runKey. */
export interface ExperimentRunRow {
  experimentId: string;
  key: string;
  record: ExperimentRunRecord;
}

/**
 * The trace of one run of an experiment made on a real CPU (ExperimentStore.putTrace), beside
 * its record under the key `trace` + runKey: the model's answers are recorded in it, so the run
 * opens in the debugger replayed, without asking the model again. `doc` is the document it ran
 * (the variant rebound to the CPU: provider and model, never a key); `gz` its events as gzip JSON.
 */
export interface ExperimentTraceRow {
  experimentId: string;
  key: string;
  trace: { doc: unknown; harness: string; seed: number; specHash: string; stopReason?: StopReason; stopDetail?: string; head: number; gz: Uint8Array };
}

/** What storage tells the user: says what happened and what to do. */
export interface StorageNotice {
  level: 'info' | 'warning' | 'error';
  message: string;
}

/** The Dexie database: one class, the schema in one place, notices for blocked and replaced connections. */
export class StudioDb extends Dexie {
  projects!: Table<ProjectRow, string>;
  versions!: Table<VersionRow, [string, number]>;
  runs!: Table<RunRow, string>;
  eventBlocks!: Table<EventBlockRow, [string, number]>;
  snapshots!: Table<SnapshotRow, [string, number]>;
  settings!: Table<SettingRow, string>;
  archiveBlocks!: Table<ArchiveBlockRow, [string, number]>;
  archiveParts!: Table<ArchivePartRow, [string, number, number]>;
  archiveStats!: Table<ArchiveStatsRow, string>;
  endpoints!: Table<EndpointRow, string>;
  experiments!: Table<ExperimentRow, string>;
  experimentRuns!: Table<ExperimentRunRow | ExperimentTraceRow, [string, string]>;

  private readonly listeners = new Set<(notice: StorageNotice) => void>();

  constructor(name: string = DB_NAME) {
    super(name);
    this.version(1).stores({
      projects: 'id, updatedAt',
      versions: '[projectId+rev]',
      runs: 'id, projectId, [projectId+createdAt]',
      eventBlocks: '[runId+block]',
      snapshots: '[runId+seq]',
      settings: 'key',
    });
    // Archival memory (DexieArchive): chunks, and a BM25 inverted index in segment partitions.
    this.version(2).stores({
      archiveChunks: '[store+seq], &[store+id]',
      archiveParts: '[store+segment+part]',
      archiveStats: 'store',
    });
    // Model endpoints (Settings); keys stay in this table and are read only by the worker.
    this.version(3).stores({ endpoints: 'id, &name' });
    // Experiments (ExperimentStore): one row per experiment, its run records beside it.
    this.version(4).stores({ experiments: 'id, projectId', experimentRuns: '[experimentId+key], experimentId' });
    // Archived chunks in blocks of ARCHIVE_BLOCK seqs (a request per chunk was most of an insert); rows of version 2 regrouped.
    this.version(5)
      .stores({ archiveChunks: null, archiveBlocks: '[store+block], &*keys' })
      .upgrade(async (tx) => {
        const rows: ArchiveChunkRow[] = await tx.table('archiveChunks').toArray(); // [store+seq] order
        await tx.table('archiveBlocks').bulkAdd(toArchiveBlocks(rows));
      });
    // Our upgrade waits on a tab that keeps an older version open.
    this.on('blocked', () => this.emit({ level: 'warning', message: BLOCKED_MESSAGE }));
    // Another tab upgrades or deletes the database: let it, and stop using the old connection.
    this.on('versionchange', () => {
      this.close({ disableAutoOpen: true });
      this.emit({ level: 'error', message: VERSION_CHANGE_MESSAGE });
      return false;
    });
  }

  /** Subscribes to connection notices (blocked upgrade, closed by another tab). Returns the unsubscribe. */
  watch(listener: (notice: StorageNotice) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(notice: StorageNotice): void {
    for (const listener of this.listeners) listener(notice);
  }
}

/** Opens (creating or upgrading) the studio database; a failure rejects with a StorageError. */
export async function openDb(name: string = DB_NAME): Promise<StudioDb> {
  const db = new StudioDb(name);
  await withStorage('open the studio storage', () => db.open());
  return db;
}
