/**
 * Experiments of a project and their run records in the studio database. Records are put as
 * runs finish (keyed by the kernel's runKey, so a run stored twice is one record), which is
 * what lets an interrupted experiment resume with only the runs it lacks. An experiment
 * exports, with its records, as one JSON file and imports back into any project.
 */
import type { RunRecord } from '../kernel';
import { runKey } from '../kernel';
import type { KernelEvent } from '../kernel';
import { encodeEventBlock, eventsOfBlock } from './eventBlocks';
import type { ExperimentRow, ExperimentRunRow, ExperimentTraceRow, StudioDb } from './StudioDb';
import { withStorage } from './storageError';

/** The key of a run's kept trace beside its record: this prefix, then the run's runKey. */
export const TRACE_KEY = 'trace\u0000';

/** A kept trace as the store takes and gives it: its events decoded. */
export type KeptTrace = Omit<ExperimentTraceRow['trace'], 'gz'> & { events: readonly KernelEvent[] };

const isRecordRow = (r: ExperimentRunRow | ExperimentTraceRow): r is ExperimentRunRow => 'record' in r;

/** The `kind` of an exported experiment file. */
export const EXPERIMENT_EXPORT_KIND = 'harness-studio/experiment-results';

/** An experiment and its results as one file (Export in the Experiments view). */
export interface ExperimentExport {
  kind: typeof EXPERIMENT_EXPORT_KIND;
  version: 1;
  name: string;
  file: unknown;
  hash: string | null;
  status: ExperimentRow['status'];
  total: number;
  records: RunRecord[];
}

/** What can change of an experiment after it is made. */
export type ExperimentUpdate = Partial<Pick<ExperimentRow, 'name' | 'file' | 'hash' | 'status' | 'total' | 'error'>>;

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Checks one record of an import; returns what is wrong with it, or null. */
function recordProblem(r: unknown): string | null {
  if (!isObject(r)) return 'is not an object';
  if (typeof r.experiment !== 'string') return 'has no experiment hash';
  if (typeof r.variant !== 'string') return 'has no variant';
  if (typeof r.seed !== 'number' || !Number.isInteger(r.seed)) return 'has no integer seed';
  if (r.input !== null && typeof r.input !== 'string') return 'has an input that is neither a string nor null';
  if (typeof r.traceHash !== 'string' || typeof r.stopReason !== 'string') return 'lacks its trace hash or stop reason';
  if (!isObject(r.values)) return 'has no metric values';
  return null;
}

/**
 * Reads an exported experiment file. Returns it, or a message saying where and what is wrong
 * (e.g. "records[3]: has no variant").
 */
export function parseExperimentExport(value: unknown): ExperimentExport | string {
  if (!isObject(value)) return 'not an exported experiment: expected a JSON object';
  if (value.kind !== EXPERIMENT_EXPORT_KIND) return `kind: expected "${EXPERIMENT_EXPORT_KIND}" (an experiment exported from the Experiments view)`;
  if (value.version !== 1) return `version: expected 1, found ${JSON.stringify(value.version)}`;
  if (typeof value.name !== 'string' || value.name.trim() === '') return 'name: expected the experiment\'s name';
  if (!isObject(value.file)) return 'file: expected the experiment file (an object)';
  if (!Array.isArray(value.records)) return 'records: expected an array of run records';
  for (let i = 0; i < value.records.length; i++) {
    const problem = recordProblem(value.records[i]);
    if (problem) return `records[${i}]: ${problem}`;
  }
  const status = value.status === 'done' || value.status === 'cancelled' || value.status === 'failed' ? value.status : 'cancelled';
  return {
    kind: EXPERIMENT_EXPORT_KIND,
    version: 1,
    name: value.name,
    file: value.file,
    hash: typeof value.hash === 'string' ? value.hash : null,
    // An experiment that was running when exported is, once imported, one to resume.
    status,
    total: typeof value.total === 'number' ? value.total : value.records.length,
    records: value.records as RunRecord[],
  };
}

/** Experiments and their run records. */
export class ExperimentStore {
  constructor(
    private readonly db: StudioDb,
    private readonly now: () => number = Date.now,
  ) {}

  /** A project's experiments, most recently updated first. */
  list(projectId: string): Promise<ExperimentRow[]> {
    return withStorage('list the experiments', async () => {
      const rows = await this.db.experiments.where('projectId').equals(projectId).toArray();
      return rows.sort((a, b) => b.updatedAt - a.updatedAt);
    });
  }

  get(id: string): Promise<ExperimentRow | undefined> {
    return withStorage('open the experiment', () => this.db.experiments.get(id));
  }

  /** Makes a draft experiment in a project. */
  create(projectId: string, name: string, file: unknown, id: string = crypto.randomUUID()): Promise<ExperimentRow> {
    return withStorage(`create the experiment "${name}"`, async () => {
      const t = this.now();
      const row: ExperimentRow = { id, projectId, name, file, hash: null, status: 'draft', total: 0, createdAt: t, updatedAt: t };
      await this.db.experiments.add(row);
      return row;
    });
  }

  /** Changes an experiment; rejects when it does not exist. */
  update(id: string, patch: ExperimentUpdate): Promise<ExperimentRow> {
    return withStorage('save the experiment', () =>
      this.db.transaction('rw', this.db.experiments, async () => {
        const row = await this.db.experiments.get(id);
        if (!row) throw new Error(`experiment ${id} does not exist (deleted in another tab?)`);
        const next: ExperimentRow = { ...row, ...patch, updatedAt: this.now() };
        if (patch.error === undefined && 'error' in patch) delete next.error;
        await this.db.experiments.put(next);
        return next;
      }),
    );
  }

  /** Stores finished runs (a key stored again is replaced by the same result). */
  putRecords(id: string, records: readonly RunRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return withStorage('save the experiment\'s runs', async () => {
      await this.db.experimentRuns.bulkPut(records.map((record) => ({ experimentId: id, key: runKey(record), record })));
    });
  }

  /** Every stored run record of an experiment (any order). */
  records(id: string): Promise<RunRecord[]> {
    return withStorage('read the experiment\'s runs', async () => {
      const rows = await this.db.experimentRuns.where('experimentId').equals(id).toArray();
      return rows.filter(isRecordRow).map((r) => r.record);
    });
  }

  /**
   * Keeps the trace of run `key` (its runKey) of experiment `id`, made on a real CPU, so it opens
   * replayed. Nothing is kept for an experiment deleted meanwhile (the run finished after a delete).
   */
  putTrace(id: string, key: string, trace: KeptTrace): Promise<void> {
    return withStorage('keep the run\'s trace', async () => {
      const { events, ...rest } = trace;
      const gz = await encodeEventBlock(events);
      await this.db.transaction('rw', this.db.experiments, this.db.experimentRuns, async () => {
        if (!(await this.db.experiments.get(id))) return;
        await this.db.experimentRuns.put({ experimentId: id, key: TRACE_KEY + key, trace: { ...rest, gz } });
      });
    });
  }

  /** The kept trace of run `key` of experiment `id`, if any. */
  trace(id: string, key: string): Promise<KeptTrace | undefined> {
    return withStorage('read the run\'s trace', async () => {
      const row = await this.db.experimentRuns.get([id, TRACE_KEY + key]);
      if (!row || isRecordRow(row)) return undefined;
      const { gz, ...rest } = row.trace;
      return { ...rest, events: await eventsOfBlock({ runId: `${id}/${key}`, block: 0, gz }) };
    });
  }

  /** Forgets the records and kept traces (the experiment's definition changed: they measured another one). */
  clearRecords(id: string): Promise<void> {
    return withStorage('clear the experiment\'s runs', async () => {
      await this.db.experimentRuns.where('experimentId').equals(id).delete();
    });
  }

  /** Deletes an experiment, its records and its kept traces. */
  delete(id: string): Promise<void> {
    return withStorage('delete the experiment', () =>
      this.db.transaction('rw', this.db.experiments, this.db.experimentRuns, async () => {
        await this.db.experimentRuns.where('experimentId').equals(id).delete();
        await this.db.experiments.delete(id);
      }),
    );
  }

  /** Deletes every experiment of a project (the project is being deleted). */
  async deleteProject(projectId: string): Promise<void> {
    const ids = await withStorage('list the experiments', () => this.db.experiments.where('projectId').equals(projectId).primaryKeys());
    for (const id of ids) await this.delete(id);
  }

  /** The experiment and its records as one file. */
  async exportOne(id: string): Promise<ExperimentExport> {
    const row = await this.get(id);
    if (!row) throw new Error(`experiment ${id} does not exist`);
    const records = await this.records(id);
    return { kind: EXPERIMENT_EXPORT_KIND, version: 1, name: row.name, file: row.file, hash: row.hash, status: row.status === 'running' ? 'cancelled' : row.status, total: row.total, records };
  }

  /** Imports an exported experiment into a project as a new experiment; rejects saying what is wrong with the file. */
  async importOne(projectId: string, value: unknown): Promise<ExperimentRow> {
    const parsed = parseExperimentExport(value);
    if (typeof parsed === 'string') throw new Error(parsed);
    const row = await this.create(projectId, parsed.name, parsed.file);
    await this.putRecords(row.id, parsed.records);
    return this.update(row.id, { hash: parsed.hash, status: parsed.status, total: parsed.total });
  }
}
