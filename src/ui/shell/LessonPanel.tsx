import { useEffect, useState } from 'react';
import { firstJumpSeq, jumpBreakpoint, LESSON_SEED } from '../../bridge/lessonJump';
import type { ExampleEntry, LessonJump } from '../../kernel';
import { useStudio } from '../../store';
import { showFirstMatch } from '../run/runController';
import { breakPointTitle, PILLAR_TITLE } from './examplesNames';
import { lessonEntry, useExampleFile } from './examplesLesson';
import { listExamples } from './projectActions';
import './lesson.css';

/**
 * The lesson of the example the open project came from, beside it: what to watch, the mechanism,
 * where the OS analogy holds and breaks, "jump to" links and a question to try. A jump puts the
 * scrubber on the first event of its type (and agent) in the run at seed 1 — the selected run
 * when it is that run, else a new one the worker pauses at that event.
 */
export function LessonPanel() {
  const projectId = useStudio((s) => s.projectId);
  const projectName = useStudio((s) => s.projectName);
  const file = useExampleFile(projectId);
  const [entries, setEntries] = useState<ExampleEntry[]>([]);
  useEffect(() => {
    let live = true;
    listExamples().then((list) => live && setEntries(list), () => undefined);
    return () => {
      live = false;
    };
  }, []);
  const entry = lessonEntry(entries, file, projectName);
  if (!entry) return null;
  return <Lesson key={entry.file} entry={entry} />;
}

function Lesson({ entry }: { entry: ExampleEntry }) {
  const [note, setNote] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const { lesson } = entry;
  const jump = async (j: LessonJump): Promise<void> => {
    setBusy(j.label);
    setNote(null);
    try {
      const seq = await showFirstMatch(LESSON_SEED, jumpBreakpoint(j), (events) => firstJumpSeq(events, j));
      setNote(seq === null ? `No ${j.type}${j.agent ? ` by ${j.agent}` : ''} in the run at seed ${LESSON_SEED} (see the run panel for why).` : `At event #${seq}.`);
    } finally {
      setBusy(null);
    }
  };
  return (
    <details className="hs-lesson" data-testid="lesson-panel" aria-label={`Lesson: ${entry.name}`}>
      <summary className="hs-lesson__summary" data-testid="lesson-toggle">
        Lesson · {entry.name}
        <span className="hs-lesson__tags">
          <span className="hs-lesson__tag" data-testid="lesson-pillar">{PILLAR_TITLE[entry.pillar]}</span>
          {entry.breakPoint && <span className="hs-lesson__tag hs-lesson__tag--break" data-testid="lesson-break-point">{breakPointTitle(entry.breakPoint)}</span>}
        </span>
      </summary>
      <dl className="hs-lesson__body">
        <dt>Watch</dt>
        <dd data-testid="lesson-watch">{lesson.watch}</dd>
        <dt>Mechanism</dt>
        <dd>{lesson.mechanism}</dd>
        <dt>The analogy</dt>
        <dd>{lesson.analogy}</dd>
        <dt>Jump to (run at seed {LESSON_SEED})</dt>
        <dd>
          <ul className="hs-lesson__jumps">
            {lesson.jumps.map((j) => (
              <li key={`${j.type}:${j.agent ?? ''}:${j.label}`}>
                <button type="button" className="hs-btn hs-btn--small hs-btn--ghost" disabled={busy !== null} onClick={() => void jump(j)} data-testid="lesson-jump" data-type={j.type} title={`The first ${j.type}${j.agent ? ` by ${j.agent}` : ''}`}>
                  {j.label}
                </button>
                <code className="hs-muted">{j.type}{j.agent ? ` · ${j.agent}` : ''}</code>
              </li>
            ))}
          </ul>
          {note && <div className="hs-muted" role="status" data-testid="lesson-jump-note">{note}</div>}
        </dd>
        <dt>Try</dt>
        <dd data-testid="lesson-question">{lesson.question}</dd>
      </dl>
    </details>
  );
}
