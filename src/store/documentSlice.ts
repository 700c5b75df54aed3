import type { StateCreator } from 'zustand';
import { BUILTIN_PROVIDERS, checkRunnable, parseHarness, type HarnessSpec, type SpecIssue } from '../kernel';
import type { StudioState } from './index';
import type { EndpointSummary } from '../bridge/api';

/**
 * Owned by the editor: the open project, its document, undo/redo history, selection and
 * save state.
 *
 * Field homes: `doc`, `projectName` and the history are the user's work (persisted by the
 * autosave in ui/shell); `issues` and `spec` are derived once per change, here, never in
 * render; `selection`, `saveStatus` and friends are ephemeral UI state.
 */

export type SaveStatus = 'saved' | 'saving' | 'unsaved' | 'conflict' | 'error';

/** One undoable change: the state *before* it, and what the user did. */
export interface HistoryEntry {
  label: string;
  doc: unknown;
  selection: string | null;
  /** Edits with the same key in quick succession (typing in a field) merge into one entry. */
  key?: string;
  at: number;
}

export interface ChangeOptions {
  /** Merge with the previous change when it has the same key and happened within MERGE_MS. */
  key?: string;
  /** Selection after the change (e.g. a newly added node); unchanged when omitted. */
  select?: string | null;
}

/** A choice a banner offers (e.g. replace or keep both); choosing also dismisses the banner. */
export interface NoticeAction {
  label: string;
  run(): void;
}

/** A banner: storage notices from the worker, import results, failures of project actions. */
export interface ShellNotice {
  id: number;
  level: 'info' | 'warning' | 'error';
  message: string;
  /** Path-precise details, e.g. the issues of an imported document. */
  details?: string[];
  /** One banner per topic: a new notice with the same key replaces the old one (e.g. `import`). */
  key?: string;
  /** The project the notice is about: it goes away when another project opens. */
  project?: string;
  actions?: NoticeAction[];
}

export interface OpenedProject {
  id: string;
  name: string;
  rev: number;
  doc: unknown;
}

export interface DocumentSlice {
  projectId: string | null;
  projectName: string;
  /** The stored revision the document is based on; saves name it as their base. */
  rev: number;
  /** The raw document exactly as edited — valid or not. Never replaced by a parsed copy. */
  doc: unknown;
  /** Issues of `doc`, recomputed once per change. */
  issues: SpecIssue[];
  /**
   * Why a valid `doc` cannot run here (a model whose provider has no CPU), asked of the kernel's
   * checkRunnable; empty while `doc` has issues or when it can run.
   */
  runIssues: SpecIssue[];
  /** The parsed document when `doc` is valid, else null. */
  spec: HarnessSpec | null;
  /** Bumped on every document or project-name change; the autosave watches it. */
  changeSeq: number;

  selection: string | null;
  select(id: string | null): void;

  past: HistoryEntry[];
  future: HistoryEntry[];
  /** Records `doc` as the new document, labelled for the undo stack. */
  change(label: string, doc: unknown, options?: ChangeOptions): void;
  undo(): void;
  redo(): void;

  /** Replaces the open project (history starts empty). */
  openProject(project: OpenedProject): void;
  closeProject(): void;
  renameProject(name: string): void;
  /**
   * Takes a newer stored revision saved by another tab, when this tab has no unsaved edits (else
   * it ignores it: the next save meets it as a conflict). Undo goes back to the document before it.
   */
  applyRemote(project: OpenedProject): void;

  saveStatus: SaveStatus;
  /** Human-readable detail for `error` and `conflict`. */
  saveMessage: string | null;
  /** The newer stored revision when `saveStatus` is `conflict`. */
  conflictRev: number | null;
  saveStarted(): void;
  /** A save of the state at `seq` stored revision `rev`. */
  saveSucceeded(rev: number, seq: number): void;
  saveConflicted(currentRev: number, message: string): void;
  saveFailed(message: string): void;

  notices: ShellNotice[];
  /** The model endpoints configured in Settings (never their keys), as the worker last listed them. */
  endpoints: EndpointSummary[];
  setEndpoints(list: EndpointSummary[]): void;
  /**
   * This browser's choice of endpoint for each real model of the open project (model id →
   * endpoint id; a name in bindings stored before ids). Kept in settings beside the project, not in the document: endpoints and
   * keys belong to a browser, the document travels.
   */
  modelEndpoints: Record<string, string>;
  setModelEndpoints(bindings: Record<string, string>): void;
  notify(notice: Omit<ShellNotice, 'id'>): void;
  dismissNotice(id: number): void;
}

const HISTORY_LIMIT = 200;
const MERGE_MS = 1500;

/**
 * Issues, spec and run issues of `doc`. The worker runs the built-in providers, and a real
 * model on the endpoint this browser chose for it (the worker still refuses, naming the model,
 * if that endpoint was deleted or speaks the other API).
 */
function derive(doc: unknown, modelEndpoints: Record<string, string>): Pick<DocumentSlice, 'issues' | 'runIssues' | 'spec'> {
  const result = parseHarness(doc);
  if (!result.ok) return { issues: result.issues, runIssues: [], spec: null };
  const withEndpoint = Object.keys(modelEndpoints).filter((id) => typeof modelEndpoints[id] === 'string');
  return { issues: [], runIssues: checkRunnable(result.spec, BUILTIN_PROVIDERS, withEndpoint), spec: result.spec };
}

/** Appends to an undo/redo stack, dropping the oldest entries past HISTORY_LIMIT. */
function pushLimited(stack: HistoryEntry[], entry: HistoryEntry): HistoryEntry[] {
  const next = [...stack, entry];
  return next.length > HISTORY_LIMIT ? next.slice(next.length - HISTORY_LIMIT) : next;
}

export const createDocumentSlice: StateCreator<StudioState, [], [], DocumentSlice> = (set, get) => ({
  projectId: null,
  projectName: '',
  rev: 0,
  doc: null,
  issues: [],
  runIssues: [],
  spec: null,
  changeSeq: 0,

  selection: null,
  select: (id) => {
    if (get().selection !== id) set({ selection: id });
  },

  past: [],
  future: [],
  change: (label, edited, options = {}) => {
    const s = get();
    if (edited === s.doc) return;
    // An edit here is the user's: the signatures of the old text no longer apply; saving signs anew.
    const doc = withoutSignatures(edited);
    const now = Date.now();
    const last = s.past[s.past.length - 1];
    const merge = options.key !== undefined && last?.key === options.key && now - last.at < MERGE_MS && s.future.length === 0;
    const past = merge
      ? [...s.past.slice(0, -1), { ...last, at: now }]
      : pushLimited(s.past, { label, doc: s.doc, selection: s.selection, key: options.key, at: now });
    set({
      doc,
      ...derive(doc, s.modelEndpoints),
      past,
      future: [],
      changeSeq: s.changeSeq + 1,
      saveStatus: s.saveStatus === 'conflict' ? 'conflict' : 'unsaved',
      ...(options.select !== undefined ? { selection: options.select } : {}),
    });
  },
  undo: () => {
    const s = get();
    const entry = s.past[s.past.length - 1];
    if (!entry) return;
    set({
      doc: entry.doc,
      ...derive(entry.doc, s.modelEndpoints),
      selection: entry.selection,
      past: s.past.slice(0, -1),
      future: [...s.future, { label: entry.label, doc: s.doc, selection: s.selection, at: Date.now() }],
      changeSeq: s.changeSeq + 1,
      saveStatus: s.saveStatus === 'conflict' ? 'conflict' : 'unsaved',
    });
  },
  redo: () => {
    const s = get();
    const entry = s.future[s.future.length - 1];
    if (!entry) return;
    set({
      doc: entry.doc,
      ...derive(entry.doc, s.modelEndpoints),
      selection: entry.selection,
      future: s.future.slice(0, -1),
      past: pushLimited(s.past, { label: entry.label, doc: s.doc, selection: s.selection, at: Date.now() }),
      changeSeq: s.changeSeq + 1,
      saveStatus: s.saveStatus === 'conflict' ? 'conflict' : 'unsaved',
    });
  },

  openProject: (p) =>
    set({
      notices: get().notices.filter((n) => n.project === undefined || n.project === p.id),
      projectId: p.id,
      projectName: p.name,
      rev: p.rev,
      doc: p.doc,
      ...derive(p.doc, get().modelEndpoints),
      selection: null,
      past: [],
      future: [],
      saveStatus: 'saved',
      saveMessage: null,
      conflictRev: null,
    }),
  closeProject: () =>
    set({ notices: get().notices.filter((n) => n.project === undefined), projectId: null, projectName: '', rev: 0, doc: null, issues: [], runIssues: [], spec: null, selection: null, past: [], future: [], saveStatus: 'saved', saveMessage: null, conflictRev: null }),
  applyRemote: (p) => {
    const s = get();
    if (p.id !== s.projectId || p.rev <= s.rev || s.saveStatus !== 'saved') return;
    set({
      projectName: p.name,
      rev: p.rev,
      doc: p.doc,
      ...derive(p.doc, s.modelEndpoints),
      past: pushLimited(s.past, { label: 'Change from another tab', doc: s.doc, selection: s.selection, at: Date.now() }),
      future: [],
    });
  },
  renameProject: (name) => {
    const s = get();
    if (name === s.projectName) return;
    set({ projectName: name, changeSeq: s.changeSeq + 1, saveStatus: s.saveStatus === 'conflict' ? 'conflict' : 'unsaved' });
  },

  saveStatus: 'saved',
  saveMessage: null,
  conflictRev: null,
  saveStarted: () => set({ saveStatus: 'saving', saveMessage: null }),
  saveSucceeded: (rev, seq) => set({ rev, saveStatus: get().changeSeq === seq ? 'saved' : 'unsaved', saveMessage: null }),
  saveConflicted: (currentRev, message) => set({ saveStatus: 'conflict', conflictRev: currentRev, saveMessage: message }),
  saveFailed: (message) => set({ saveStatus: 'error', saveMessage: message }),

  notices: [],
  endpoints: [],
  setEndpoints: (endpoints) => set({ endpoints }),
  modelEndpoints: {},
  setModelEndpoints: (modelEndpoints) => {
    const { doc } = get();
    // A model's chosen endpoint decides whether it can run here: the run issues follow it.
    set({ modelEndpoints, ...(doc === null ? {} : { runIssues: derive(doc, modelEndpoints).runIssues }) });
  },
  notify: (notice) => {
    const s = get();
    // The same message twice (a worker repeating a storage warning) shows once.
    if (s.notices.some((n) => n.message === notice.message && n.key === notice.key)) return;
    const kept = notice.key === undefined ? s.notices : s.notices.filter((n) => n.key !== notice.key);
    set({ notices: [...kept, { ...notice, id: (s.notices.at(-1)?.id ?? 0) + 1 }].slice(-3) });
  },
  dismissNotice: (id) => set({ notices: get().notices.filter((n) => n.id !== id) }),
});

/** The document without its signatures section (the worker signs what is saved or run). */
function withoutSignatures(doc: unknown): unknown {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc) || !('signatures' in doc)) return doc;
  const { signatures: _signatures, ...rest } = doc as Record<string, unknown>;
  return rest;
}
