import { lazy, Suspense, useEffect, useState } from 'react';
import { useStudio } from '../../store';
import { useLayout } from '../../store/layoutStore';
import { issueEntityId, issueText } from '../editor/issueIndex';
import { isTextEntry } from '../shared/textEntry';
import { ApprovalPrompt } from '../trust/ApprovalPrompt';
import { Artifacts } from './Artifacts';
import { EditStateApply } from './EditStateApply';
import { Breakpoints } from './Breakpoints';
import { EventDetail } from './EventDetail';
import { EventLog } from './EventLog';
import { describeBreakpoint } from './navigation';
import { ProcessTable } from './ProcessTable';
import { KvCacheSection } from './KvCacheSection';
import { actionForKey } from './runActions';
import { openProject, saveBreakpoints } from './runController';
import { watchRunWindow } from './runWindow';
import { RunFailure } from './RunFailure';
import { RunsList } from './RunsList';
import { RunToolbar } from './RunToolbar';
import { ShortcutSheet } from './ShortcutSheet';
import { TraceFileTools } from './traceFileTools';
import { WatchPane } from './WatchPane';
import './run.css';

/** Opens the project's runs when the project changes, saves breakpoints, binds the debugger's keys (runActions.ts). */
function useRunSession(): void {
  const projectId = useStudio((s) => s.projectId);
  useEffect(() => {
    void openProject(projectId);
  }, [projectId]);

  useEffect(watchRunWindow, []);

  useEffect(
    () =>
      useStudio.subscribe((s, prev) => {
        if (s.breakpoints !== prev.breakpoints) saveBreakpoints();
        // The issues of a failed start describe a document that is gone once it is edited.
        if (s.doc !== prev.doc && s.startIssues.length > 0) s.setStartIssues([]);
      }),
    [],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // Keys typed into a field or Monaco are the field's (F8 there must not start a run).
      if (e.defaultPrevented || isTextEntry(e.target) || (e.repeat && e.key === 'F8')) return;
      const action = actionForKey(e, useStudio.getState());
      if (!action) return;
      e.preventDefault();
      action.perform();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

/** Why the last start or fork did not happen, or the last error, or which breakpoint paused the run. */
function Banners() {
  const issues = useStudio((s) => s.startIssues);
  const error = useStudio((s) => s.runError);
  const pausedAt = useStudio((s) => s.pausedAt);
  const setStartIssues = useStudio((s) => s.setStartIssues);
  const setRunError = useStudio((s) => s.setRunError);
  const doc = useStudio((s) => s.doc);
  const select = useStudio((s) => s.select);
  return (
    <>
      {issues.length > 0 && (
        <div className="rp-banner" data-level="error" data-testid="start-issues" role="alert">
          The document has {issues.length} issue{issues.length === 1 ? '' : 's'}; the run did not start.{' '}
          <button type="button" onClick={() => setStartIssues([])}>Dismiss</button>
          <ul>
            {issues.map((i, n) => {
              const entity = issueEntityId(doc, i);
              return (
                <li key={n} data-testid="start-issue" data-path={i.path}>
                  <code>{i.path || '(document)'}</code>: {issueText(i)}
                  {entity !== null && (
                    <>
                      {' '}
                      <button type="button" onClick={() => select(entity)} title={`Select ${entity} in the editor`}>
                        Show
                      </button>
                    </>
                  )}
                </li>
              );
            })}
          </ul>
        </div>
      )}
      {error !== null && (
        <div className="rp-banner" data-level="error" data-testid="run-error" role="alert">
          {error}{' '}
          <button type="button" onClick={() => setRunError(null)}>Dismiss</button>
        </div>
      )}
      {pausedAt && (
        <div className="rp-banner" data-level="hit" data-testid="breakpoint-hit" role="status">
          Paused on breakpoint {describeBreakpoint(pausedAt.breakpoint)} at event {pausedAt.seq}. Run (F8) continues, Over (F10) goes one turn, Step (Shift+F10) one event.
        </div>
      )}
    </>
  );
}

// The other views load when first opened: the events view is what a run starts on.
const SchedulerView = lazy(() => import('../sched/SchedulerView').then((m) => ({ default: m.SchedulerView })));
const MemoryView = lazy(() => import('../memory/MemoryView').then((m) => ({ default: m.MemoryView })));
const PermissionsView = lazy(() => import('../trust/PermissionsView').then((m) => ({ default: m.PermissionsView })));
const MessagesTab = lazy(() => import('./CooperationTabs').then((m) => ({ default: m.MessagesTab })));
const TerminationTab = lazy(() => import('./CooperationTabs').then((m) => ({ default: m.TerminationTab })));
const ContextView = lazy(() => import('./ContextView').then((m) => ({ default: m.ContextView })));
const EditStateView = lazy(() => import('./EditStateView').then((m) => ({ default: m.EditStateView })));
const CompareView = lazy(() => import('./CompareView').then((m) => ({ default: m.CompareView })));
const SlabView = lazy(() => import('./SlabView').then((m) => ({ default: m.SlabView })));

type RunView = 'events' | 'scheduler' | 'memory' | 'slabs' | 'context' | 'permissions' | 'messages' | 'termination' | 'edit' | 'compare';
/** Each view's label, and what it shows (its tab's tooltip: "Slabs" or "Edit state" alone tell a newcomer little). */
const VIEWS: readonly { id: RunView; label: string; about: string }[] = [
  { id: 'events', label: 'Events', about: 'Every event of the run in order; click one to move the cursor there.' },
  { id: 'scheduler', label: 'Scheduler', about: 'Inference slots over time, the runqueues, budgets and routing at the cursor.' },
  { id: 'memory', label: 'Memory', about: "An agent's context window segment by segment, its memory events, and the archive." },
  { id: 'slabs', label: 'Slabs', about: "The allocator's object classes at the cursor (like /proc/slabinfo), and the regions with the handles agents hold." },
  { id: 'context', label: 'Context', about: "The prompt the agent's model was sent at its latest turn, as the model saw it." },
  { id: 'permissions', label: 'Permissions', about: 'Every permission decision with the rule and scope that made it, and the audit log.' },
  { id: 'messages', label: 'Messages', about: 'Messages between agents as a sequence diagram, fact retention per edge, and sending one as the human.' },
  { id: 'termination', label: 'Termination', about: 'Goals, why the run stopped, the limits and the livelock detector.' },
  { id: 'edit', label: 'Edit state', about: 'Change the state at the cursor (a message, a tool result, a window segment) and go on from there as a fork.' },
  { id: 'compare', label: 'Compare', about: 'Two runs side by side, from the first event where they differ.' },
];

/**
 * Which view of the run fills the panel; all follow the same cursor. Double-clicking a tab
 * maximises the panel (again: back to its height); the buttons at the end collapse and maximise it.
 */
function ViewTabs({ view, onChange }: { view: RunView; onChange(v: RunView): void }) {
  const { runCollapsed, runMaximized } = useLayout((s) => s.layout);
  const setLayout = useLayout((s) => s.setLayout);
  const toggleRunMaximized = useLayout((s) => s.toggleRunMaximized);
  return (
    <div className="rp-tabs">
      <div className="rp-tabs__list" role="tablist" aria-label="Run views">
        {VIEWS.map((v) => (
          <button
            key={v.id}
            type="button"
            role="tab"
            aria-selected={view === v.id}
            data-testid={`run-tab-${v.id}`}
            title={`${v.about} Double-click to maximise the run panel.`}
            onClick={() => {
              onChange(v.id);
              if (runCollapsed) setLayout({ runCollapsed: false });
            }}
            onDoubleClick={toggleRunMaximized}
          >
            {v.label}
          </button>
        ))}
      </div>
      <div className="rp-tabs__frame">
        <TraceFileTools />
        <button type="button" data-testid="run-panel-collapse" aria-pressed={runCollapsed} title={runCollapsed ? 'Show the run views' : 'Collapse the run panel to its toolbar'} onClick={() => setLayout({ runCollapsed: !runCollapsed })}>
          {runCollapsed ? 'Expand' : 'Collapse'}
        </button>
        <button type="button" data-testid="run-panel-maximize" aria-pressed={runMaximized} title={runMaximized ? 'Give the canvas its space back' : 'Let the run panel fill the window (or double-click a tab)'} onClick={toggleRunMaximized}>
          {runMaximized ? 'Restore' : 'Maximise'}
        </button>
      </div>
    </div>
  );
}

/** The run panel: a time-travel debugger for harness runs (mounted by the shell in the bottom area). */
export function RunPanel() {
  useRunSession();
  const [view, setView] = useState<RunView>('events');
  const collapsed = useLayout((s) => s.layout.runCollapsed);
  return (
    <section className="rp" data-testid="run-panel" aria-label="Run">
      <RunToolbar />
      <ShortcutSheet />
      <RunFailure onShowWhy={() => setView('termination')} />
      <Banners />
      <ApprovalPrompt />
      <ViewTabs view={view} onChange={setView} />
      {view !== 'edit' && !collapsed && <EditStateApply />}
      {!collapsed && (
      <Suspense fallback={<div className="rp-empty">Loading the {view} view…</div>}>
      {view === 'scheduler' ? (
        <SchedulerView />
      ) : view === 'memory' ? (
        <MemoryView />
      ) : view === 'slabs' ? (
        <SlabView />
      ) : view === 'context' ? (
        <ContextView />
      ) : view === 'permissions' ? (
        <PermissionsView />
      ) : view === 'messages' ? (
        <MessagesTab />
      ) : view === 'termination' ? (
        <TerminationTab />
      ) : view === 'edit' ? (
        <EditStateView />
      ) : view === 'compare' ? (
        <CompareView />
      ) : (
        <div className="rp-body">
          <div className="rp-col">
            <RunsList />
            <Breakpoints />
          </div>
          <div className="rp-col">
            <EventLog />
          </div>
          <div className="rp-col">
            <EventDetail />
            <WatchPane />
          </div>
          <div className="rp-col">
            <ProcessTable />
            <KvCacheSection />
            <Artifacts />
          </div>
        </div>
      )}
      </Suspense>
      )}
    </section>
  );
}
