/**
 * The debugger's commands, one registered object each (name, label, key, keyTest, enabled,
 * perform): the toolbar buttons, their tooltips, the keyboard and the shortcut sheet (`?`) all
 * read this one table, so a shortcut can never drift from its button. Keys follow Chrome
 * DevTools where it has one (F8 resume/pause, F10 step over, F11 step into, Shift+F11 step
 * out); run to cursor is VS Code's Ctrl+F10. F9 stays Back and Shift+F9 Fork (DevTools' F9,
 * "step", is Shift+F10 here: one event).
 */
import type { StudioState } from '../../store';
import * as run from './runController';
import { openShortcutSheet } from './shortcutSheet';

export interface RunAction {
  name: 'run' | 'pause' | 'stepEvent' | 'stepTurn' | 'stepInto' | 'stepOut' | 'runToCursor' | 'stepBack' | 'fork' | 'resume' | 'shortcuts';
  label: string;
  /** What the tooltip says about the action. */
  hint: string;
  /** The shortcut as shown to people, or '' for none. */
  keys: string;
  testId: string;
  keyTest(e: Pick<KeyboardEvent, 'key' | 'shiftKey' | 'ctrlKey' | 'altKey' | 'metaKey'>, s: StudioState): boolean;
  enabled(s: StudioState): boolean;
  perform(): void;
}

type KeyLike = Parameters<RunAction['keyTest']>[0];

const plain = (e: KeyLike, key: string, shift = false) =>
  e.key === key && e.shiftKey === shift && !e.ctrlKey && !e.altKey && !e.metaKey;

const selected = (s: StudioState) => s.runs.find((r) => r.id === s.runId);
const isRunning = (s: StudioState) => s.status === 'running';
/** Stepping works through the recorded past, then a paused run; with no run it starts one, paused. */
const canAdvance = (s: StudioState) => {
  if (s.projectId === null || s.loading) return false;
  if (s.runId === null) return true;
  return s.cursor < s.head || (s.status !== 'stopped' && s.status !== 'running');
};

export const RUN_ACTIONS: readonly RunAction[] = Object.freeze([
  {
    name: 'run',
    label: 'Run',
    hint: 'Start a new run of the document (or continue the selected paused run) until it stops or a breakpoint matches',
    keys: 'F8',
    testId: 'run-button',
    keyTest: (e, s) => plain(e, 'F8') && !isRunning(s),
    enabled: (s) => s.projectId !== null && !isRunning(s) && !s.loading,
    perform: () => void run.run(),
  },
  {
    name: 'pause',
    label: 'Pause',
    hint: 'Pause the run after the event in flight',
    keys: 'F8',
    testId: 'pause-button',
    keyTest: (e, s) => plain(e, 'F8') && isRunning(s),
    enabled: isRunning,
    perform: () => void run.pause(),
  },
  {
    name: 'stepEvent',
    label: 'Step',
    hint: 'Step one event: forward through the recorded past, then one new event from the kernel (with no run selected, starts one paused)',
    keys: 'Shift+F10',
    testId: 'step-event-button',
    keyTest: (e) => plain(e, 'F10', true),
    enabled: canAdvance,
    perform: () => void run.stepEvent(),
  },
  {
    name: 'stepTurn',
    label: 'Over',
    hint: "Step over: to the end of the next turn of the agent at the cursor (its infer.completed); other agents and its tool calls run without stopping",
    keys: 'F10',
    testId: 'step-turn-button',
    keyTest: (e) => plain(e, 'F10'),
    enabled: canAdvance,
    perform: () => void run.stepTurn(),
  },
  {
    name: 'stepInto',
    label: 'Into',
    hint: "Step into: where the action of the agent at the cursor is handled (its tool call opening, or the receiver waking to its message); inside a call, the call's next event",
    keys: 'F11',
    testId: 'step-into-button',
    keyTest: (e) => plain(e, 'F11'),
    enabled: canAdvance,
    perform: () => void run.stepInto(),
  },
  {
    name: 'stepOut',
    label: 'Out',
    hint: 'Step out: run until the agent acts again (inside a tool call its agent; inside the handling of a message, the agent that sent it)',
    keys: 'Shift+F11',
    testId: 'step-out-button',
    keyTest: (e) => plain(e, 'F11', true),
    enabled: canAdvance,
    perform: () => void run.stepOut(),
  },
  {
    name: 'runToCursor',
    label: 'To cursor',
    hint: 'Run to cursor: from where the run is, until the next event at the place of the one at the cursor (same type, agent and tool)',
    keys: 'Ctrl+F10',
    testId: 'run-to-cursor-button',
    keyTest: (e) => e.key === 'F10' && e.ctrlKey && !e.shiftKey && !e.altKey && !e.metaKey,
    // At the head of a stopped run there is no later event to run to: the button would do nothing.
    enabled: (s) => s.projectId !== null && !s.loading && s.runId !== null && s.cursor >= 0 && !isRunning(s) && (s.cursor < s.head || s.status !== 'stopped'),
    perform: () => void run.runToCursor(),
  },
  {
    name: 'stepBack',
    label: 'Back',
    hint: 'Step back one event in time (the run itself does not move)',
    keys: 'F9',
    testId: 'step-back-button',
    keyTest: (e) => plain(e, 'F9'),
    enabled: (s) => s.cursor > 0,
    perform: run.stepBack,
  },
  {
    name: 'fork',
    label: 'Fork here',
    hint: 'Fork a new run from the event at the cursor, with the current document (edits included)',
    keys: 'Shift+F9',
    testId: 'fork-button',
    keyTest: (e) => plain(e, 'F9', true),
    enabled: (s) => s.runId !== null && s.cursor >= 0 && !s.loading && s.projectId !== null,
    perform: () => void run.fork(),
  },
  {
    name: 'resume',
    label: 'Resume',
    hint: 'Reopen this interrupted run (the tab closed mid-run) from its last committed events',
    keys: '',
    testId: 'resume-button',
    keyTest: () => false,
    enabled: (s) => selected(s)?.status === 'interrupted',
    perform: () => void run.resume(),
  },
  {
    name: 'shortcuts',
    label: 'Keys',
    hint: 'Show every keyboard shortcut',
    keys: '?',
    testId: 'shortcuts-button',
    keyTest: (e) => e.key === '?' && !e.ctrlKey && !e.altKey && !e.metaKey,
    enabled: () => true,
    perform: openShortcutSheet,
  },
]);

/**
 * Keys handled outside this table (by the focused view or the shell), listed by the shortcut
 * sheet beside the table's: each names the module whose handler owns it.
 */
const keysOf = (name: RunAction['name']): string => RUN_ACTIONS.find((a) => a.name === name)?.keys ?? '';

/** What an empty run view says before the first event, with the keys from the table above. */
export const NO_EVENTS_HINT = `No events yet: press Run (${keysOf('run')}) or Step (${keysOf('stepEvent')}).`;

export const OTHER_KEYS: readonly { keys: string; what: string; where: string }[] = Object.freeze([
  { keys: '↑ / ↓, PgUp / PgDn, Home / End', what: 'Move the cursor through the event log (when it has focus)', where: 'Event log' },
  { keys: 'Ctrl+Z', what: 'Undo a document edit', where: 'Editor' },
  { keys: 'Ctrl+Shift+Z, Ctrl+Y', what: 'Redo a document edit', where: 'Editor' },
  { keys: 'Escape', what: 'Close a dialog or this sheet', where: 'Dialogs' },
]);

/** The tooltip of an action: what it does and its shortcut. */
export function tooltip(a: RunAction): string {
  return a.keys ? `${a.hint} (${a.keys})` : a.hint;
}

/** The enabled action a key press triggers, if any. */
export function actionForKey(e: KeyLike, s: StudioState): RunAction | undefined {
  return RUN_ACTIONS.find((a) => a.keyTest(e, s) && a.enabled(s));
}
