/**
 * Project-level actions: each talks to persistence through the bridge and then updates the
 * store. Failures become banners, never silent.
 */
import { callback, studio } from '../../bridge/client';
import type { ProjectRecord, ProjectSummary } from '../../bridge/api';
import { parseExampleIndex, type ExampleEntry, type SpecIssue } from '../../kernel';
import { useStudio } from '../../store';
import { flushSave } from './autosave';
import { rememberExample } from './examplesLesson';
import { blankDocument, exportFileName, exportText, issueLines, readImport, type ImportedFile } from './projectFiles';

export const LAST_PROJECT_KEY = 'ui.lastProjectId';
const EXAMPLES = `${import.meta.env.BASE_URL}examples/`;

/** An example harness shipped in public/examples (listed in its index.json, with its lesson). */
export type { ExampleEntry };

let examples: Promise<ExampleEntry[]> | null = null;

/** The examples index, parsed (kernel/spec/exampleIndex.ts); read once per page. */
export function listExamples(): Promise<ExampleEntry[]> {
  examples ??= (async () => {
    const res = await fetch(`${EXAMPLES}index.json`);
    if (!res.ok) throw new Error(`${EXAMPLES}index.json answered ${res.status}`);
    const parsed = parseExampleIndex(await res.json());
    if (!parsed.ok) throw new Error(`${EXAMPLES}index.json: ${parsed.errors.join('; ')}`);
    return parsed.entries;
  })().catch((err: unknown) => {
    examples = null;
    throw err;
  });
  return examples;
}

function fail(what: string, err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  useStudio.getState().notify({ level: 'error', message: `${what}: ${message}` });
}

/**
 * Before another project replaces the open one, its pending edits are saved. With an
 * unresolved conflict the switch is refused, so local edits are not dropped unseen.
 */
async function leaveCurrent(nextId?: string): Promise<boolean> {
  const s = useStudio.getState();
  if (!s.projectId || s.projectId === nextId) return true;
  if (s.saveStatus === 'conflict') {
    s.notify({ level: 'warning', message: 'Resolve the save conflict first: reload their version or keep yours as a copy.' });
    return false;
  }
  await flushSave();
  const after = useStudio.getState().saveStatus;
  if (after === 'saved') return true;
  s.notify({ level: 'error', message: `The open project could not be saved (${after}); it stays open so nothing is lost.` });
  return false;
}

function show(record: ProjectRecord): void {
  useStudio.getState().openProject({ id: record.id, name: record.name, rev: record.rev, doc: record.doc });
  void studio().setSetting(LAST_PROJECT_KEY, record.id).catch(() => undefined);
}

/** Opens a project. The open one is left as it is unless `reload` asks to replace it with the stored revision. */
export async function openProject(id: string, reload = false): Promise<boolean> {
  if (id === useStudio.getState().projectId && !reload) return true;
  if (!(await leaveCurrent(id))) return false;
  try {
    const record = await studio().getProject(id);
    if (!record) {
      useStudio.getState().notify({ level: 'warning', message: 'That project no longer exists (deleted in another tab?).' });
      return false;
    }
    show(record);
    return true;
  } catch (err) {
    fail('Could not open the project', err);
    return false;
  }
}

/** `leaving: 'as-is'` skips saving the open project (it is in conflict and kept as this copy). */
export async function createProject(name: string, doc: unknown, leaving: 'save' | 'as-is' = 'save'): Promise<ProjectRecord | null> {
  if (leaving === 'save' && !(await leaveCurrent())) return null;
  try {
    const record = await studio().createProject(name, doc);
    show(record);
    return record;
  } catch (err) {
    fail('Could not create the project', err);
    return null;
  }
}

export async function fetchExample(file = 'research-team.json'): Promise<unknown> {
  const url = `${EXAMPLES}${file}`;
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  return res.json() as Promise<unknown>;
}

export function createBlank(name = 'Untitled harness'): Promise<ProjectRecord | null> {
  return createProject(name, blankDocument(name));
}

export async function createFromExample(name = 'Research team', file = 'research-team.json'): Promise<ProjectRecord | null> {
  try {
    const record = await createProject(name, await fetchExample(file));
    if (record) rememberExample(record.id, file);
    return record;
  } catch (err) {
    fail('Could not load the example', err);
    return null;
  }
}

/**
 * First start: reopen the last project; with none stored, create "Research team" from the
 * example; with projects but no valid last one, open the most recently updated.
 */
export async function boot(): Promise<void> {
  try {
    const api = studio();
    await api.onNotice(callback((notice) => useStudio.getState().notify({ level: notice.level, message: notice.message })));
    const projects = await api.listProjects();
    if (projects.length === 0) {
      await createFromExample();
      return;
    }
    const last = await api.getSetting(LAST_PROJECT_KEY);
    const target = projects.find((p) => p.id === last) ?? [...projects].sort((a, b) => b.updatedAt - a.updatedAt)[0]!;
    await openProject(target.id);
  } catch (err) {
    fail('Could not start storage', err);
  }
}

export async function renameStoredProject(id: string, name: string): Promise<boolean> {
  const s = useStudio.getState();
  if (id === s.projectId) {
    s.renameProject(name); // the autosave stores it with the document
    return true;
  }
  try {
    const record = await studio().getProject(id);
    if (!record) return false;
    const result = await studio().saveProject(id, record.doc, record.rev, name);
    if (!result.ok) useStudio.getState().notify({ level: 'warning', message: `Could not rename: ${result.message}` });
    return result.ok;
  } catch (err) {
    fail('Could not rename the project', err);
    return false;
  }
}

export async function deleteStoredProject(id: string): Promise<void> {
  try {
    await studio().deleteProject(id);
    if (useStudio.getState().projectId === id) useStudio.getState().closeProject();
  } catch (err) {
    fail('Could not delete the project', err);
  }
}

/** `Name`, or `Name (2)`, `Name (3)`… : the first that no stored project has. */
export function unusedName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  let n = 2;
  while (taken.has(`${name} (${n})`)) n++;
  return `${name} (${n})`;
}

/** The result of an import, one banner at a time, belonging to the project it made. */
function reportImport(fileName: string, record: ProjectRecord, issues: readonly SpecIssue[], replaced: boolean): void {
  const { notify } = useStudio.getState();
  const what = replaced ? `Replaced “${record.name}” with ${fileName}` : `Imported ${fileName} as “${record.name}”`;
  if (issues.length === 0) notify({ level: 'info', key: 'import', project: record.id, message: `${what}.` });
  else {
    notify({
      level: 'warning',
      key: 'import',
      project: record.id,
      message: `${what} with ${issues.length} issue${issues.length === 1 ? '' : 's'} — nothing was dropped; fix them in the editor.`,
      details: issueLines(issues),
    });
  }
}

/** Replaces a stored project's document (and name) with an imported one, then opens it. */
async function replaceProject(id: string, fileName: string, imported: ImportedFile): Promise<void> {
  if (!(await leaveCurrent())) return;
  try {
    const record = await studio().getProject(id);
    if (!record) {
      useStudio.getState().notify({ level: 'warning', key: 'import', message: `“${imported.name}” no longer exists; import ${fileName} again to add it.` });
      return;
    }
    const result = await studio().saveProject(id, imported.doc, record.rev, imported.name);
    if (!result.ok) {
      useStudio.getState().notify({ level: 'warning', key: 'import', message: `Could not replace “${imported.name}”: ${result.message}` });
      return;
    }
    if (await openProject(id, true)) reportImport(fileName, { ...record, name: imported.name, rev: result.rev, doc: imported.doc }, imported.issues, true);
  } catch (err) {
    fail(`Could not replace “${imported.name}”`, err);
  }
}

async function importAsNew(fileName: string, imported: ImportedFile, name: string): Promise<void> {
  const record = await createProject(name, imported.doc);
  if (record) reportImport(fileName, record, imported.issues, false);
}

/**
 * Imports a file as a new project. A broken document is still imported; its issues are listed.
 * A file named like a stored project (an export imported again) asks first: replace that
 * project, or keep both (the new one gets a numbered name).
 */
export async function importFile(file: File): Promise<void> {
  let text: string;
  try {
    text = await file.text();
  } catch (err) {
    fail(`Could not read ${file.name}`, err);
    return;
  }
  const imported = readImport(file.name, text);
  let projects: ProjectSummary[];
  try {
    projects = await studio().listProjects();
  } catch (err) {
    fail('Could not list the projects', err);
    return;
  }
  const same = projects.find((p) => p.name === imported.name);
  if (!same) return importAsNew(file.name, imported, imported.name);
  const copyName = unusedName(imported.name, new Set(projects.map((p) => p.name)));
  useStudio.getState().notify({
    level: 'warning',
    key: 'import',
    message: `A project named “${imported.name}” already exists. Replace it with ${file.name}, or keep both (the import becomes “${copyName}”)?`,
    actions: [
      { label: `Replace “${imported.name}”`, run: () => void replaceProject(same.id, file.name, imported) },
      { label: 'Keep both', run: () => void importAsNew(file.name, imported, copyName) },
    ],
  });
}

/**
 * Downloads the current document (the document only: no settings, no keys), as saved: the
 * stored revision carries the signatures made when it was saved, so the file can be checked
 * elsewhere (the CLI with policy.requireSigned). Unsaved or conflicting edits export as they are.
 */
export async function exportCurrent(): Promise<void> {
  await flushSave().catch(() => undefined);
  const { doc: current, projectName, projectId, saveStatus } = useStudio.getState();
  const stored = projectId && saveStatus === 'saved' ? await studio().getProject(projectId).catch(() => undefined) : undefined;
  const doc = stored?.doc ?? current;
  const blob = new Blob([exportText(doc)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = exportFileName(projectName);
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Conflict resolution: drop local edits and load the stored revision. */
export async function reloadTheirs(): Promise<void> {
  const id = useStudio.getState().projectId;
  if (id) await openProject(id, true);
}

/** Conflict resolution: keep the local document as a new project; the other tab's version stays. */
export async function keepMineAsCopy(): Promise<void> {
  const { doc, projectName } = useStudio.getState();
  const record = await createProject(`${projectName} (my copy)`, doc, 'as-is');
  if (record) useStudio.getState().notify({ level: 'info', message: `Your version was saved as “${record.name}”.` });
}
