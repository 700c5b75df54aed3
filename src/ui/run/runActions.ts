/**
 * The debugger's commands, one registered object each (name, label, key, keyTest, enabled,
 * perform): the toolbar buttons, their tooltips and the keyboard all read this one table, so
 * a shortcut can never drift from its button. Keys follow Chrome DevTools where it has one.
 */
import type { StudioState } from '../../store';
import * as run from './runController';

export interface RunAction {
  name: 'run' | 'pause' | 'stepEvent' | 'stepTurn' | 'stepBack' | 'fork' | 'resume';
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
    keys: 'F10',
    testId: 'step-event-button',
    keyTest: (e) => plain(e, 'F10'),
    enabled: canAdvance,
    perform: () => void run.stepEvent(),
  },
  {
    name: 'stepTurn',
    label: 'Step turn',
    hint: 'Step one agent turn: through the next inference (infer.completed)',
    keys: 'Shift+F10',
    testId: 'step-turn-button',
    keyTest: (e) => plain(e, 'F10', true),
    enabled: canAdvance,
    perform: () => void run.stepTurn(),
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
]);

/** The tooltip of an action: what it does and its shortcut. */
export function tooltip(a: RunAction): string {
  return a.keys ? `${a.hint} (${a.keys})` : a.hint;
}

/** The enabled action a key press triggers, if any. */
export function actionForKey(e: KeyLike, s: StudioState): RunAction | undefined {
  return RUN_ACTIONS.find((a) => a.keyTest(e, s) && a.enabled(s));
}
