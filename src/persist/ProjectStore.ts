/**
 * Projects and their version history. A save names the revision it was based on and is
 * checked inside the same read-write transaction that writes it, so a second tab can never
 * silently overwrite a newer revision.
 */
import Dexie from 'dexie';
import type { ProjectRow, StudioDb, VersionRow } from './StudioDb';
import { withStorage } from './storageError';

/** Saved revisions kept per project (older ones are pruned on save). */
export const MAX_VERSIONS = 200;

/** A project without its document (for lists). */
export type ProjectSummaryRow = Omit<ProjectRow, 'doc'>;

/** The outcome of a save, as the bridge's SaveResult. */
export type SaveOutcome =
  | { ok: true; rev: number; updatedAt: number }
  | { ok: false; kind: 'conflict'; currentRev: number; updatedAt: number; message: string }
  | { ok: false; kind: 'error'; message: string };

/** Projects and their saved revisions in the studio database. */
export class ProjectStore {
  constructor(
    private readonly db: StudioDb,
    private readonly now: () => number = Date.now,
  ) {}

  /** Every project without its document, most recently updated first. */
  list(): Promise<ProjectSummaryRow[]> {
    return withStorage('list the projects', async () => {
      const rows = await this.db.projects.orderBy('updatedAt').reverse().toArray();
      return rows.map(({ doc: _doc, ...summary }) => summary);
    });
  }

  get(id: string): Promise<ProjectRow | undefined> {
    return withStorage('open the project', () => this.db.projects.get(id));
  }

  /** Creates a project at revision 1 (its first version is stored too). */
  create(name: string, doc: unknown, id: string = crypto.randomUUID()): Promise<ProjectRow> {
    return withStorage(`create the project "${name}"`, () =>
      this.db.transaction('rw', this.db.projects, this.db.versions, async () => {
        const t = this.now();
        const row: ProjectRow = { id, name, doc, rev: 1, createdAt: t, updatedAt: t };
        await this.db.projects.add(row);
        await this.db.versions.add({ projectId: id, rev: 1, doc, savedAt: t });
        return row;
      }),
    );
  }

  /**
   * Saves `doc` as revision baseRev + 1, atomically: if the stored revision is not `baseRev`
   * (another tab saved meanwhile) nothing is written and a conflict is returned.
   */
  async save(id: string, doc: unknown, baseRev: number, name?: string): Promise<SaveOutcome> {
    return withStorage('save the project', () =>
      this.db.transaction('rw', this.db.projects, this.db.versions, async (): Promise<SaveOutcome> => {
        const current = await this.db.projects.get(id);
        if (!current) return { ok: false, kind: 'error', message: 'This project no longer exists (it was deleted, perhaps in another tab): export your document or create a new project from it.' };
        if (current.rev !== baseRev) {
          return {
            ok: false, kind: 'conflict', currentRev: current.rev, updatedAt: current.updatedAt,
            message: `This project was saved elsewhere (revision ${current.rev}, yours is based on ${baseRev}): reload it to get the newer version, or keep yours by saving it as a new project.`,
          };
        }
        const rev = baseRev + 1;
        const t = this.now();
        await this.db.projects.put({ ...current, doc, rev, updatedAt: t, ...(name === undefined ? {} : { name }) });
        await this.db.versions.put({ projectId: id, rev, doc, savedAt: t });
        if (rev > MAX_VERSIONS) await this.db.versions.where('[projectId+rev]').between([id, Dexie.minKey], [id, rev - MAX_VERSIONS], true, true).delete();
        return { ok: true, rev, updatedAt: t };
      }),
    );
  }

  /** The stored revisions of a project, newest first. */
  versions(projectId: string): Promise<VersionRow[]> {
    return withStorage('list the project versions', () =>
      this.db.versions.where('[projectId+rev]').between([projectId, Dexie.minKey], [projectId, Dexie.maxKey]).reverse().toArray(),
    );
  }

  /** Deletes a project with its versions and every run of it (events and snapshots included). */
  delete(id: string): Promise<void> {
    const { db } = this;
    return withStorage('delete the project', () =>
      db.transaction('rw', [db.projects, db.versions, db.runs, db.eventBlocks, db.snapshots], async () => {
        const runIds = (await db.runs.where('projectId').equals(id).primaryKeys()) as string[];
        for (const runId of runIds) {
          await db.eventBlocks.where('[runId+block]').between([runId, Dexie.minKey], [runId, Dexie.maxKey]).delete();
          await db.snapshots.where('[runId+seq]').between([runId, Dexie.minKey], [runId, Dexie.maxKey]).delete();
        }
        await db.runs.bulkDelete(runIds);
        await db.versions.where('[projectId+rev]').between([id, Dexie.minKey], [id, Dexie.maxKey]).delete();
        await db.projects.delete(id);
      }),
    );
  }
}
