import { useEffect, useState } from 'react';
import { groupExamples, type ExampleEntry } from '../../kernel';
import { breakPointTitle, PILLAR_TITLE } from './examplesNames';
import { listExamples } from './projectActions';

/**
 * The shipped examples, each opened as a new project (a copy: the example itself never changes),
 * grouped by pillar and then by the break point of the analogy each one shows, like OSTEP's
 * homework simulators are grouped by chapter.
 */
export function ExamplesIndex({ onPick }: { onPick(example: ExampleEntry): void }) {
  const [examples, setExamples] = useState<ExampleEntry[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    listExamples().then(
      (list) => live && setExamples(list),
      (err: unknown) => {
        if (!live) return;
        setExamples([]);
        setError(err instanceof Error ? err.message : String(err));
      },
    );
    return () => {
      live = false;
    };
  }, []);
  if (error !== null) return <p className="hs-muted hs-pad" role="alert">The examples could not be listed: {error}</p>;
  if (examples.length === 0) return null;
  return (
    <section className="hs-examples" aria-label="Examples" data-testid="examples-index">
      <h3 className="hs-examples__title">Examples</h3>
      {groupExamples(examples).map(({ pillar, groups }) => (
        <section key={pillar} className="hs-examples__pillar" aria-label={PILLAR_TITLE[pillar]} data-testid={`examples-pillar-${pillar}`}>
          <h4 className="hs-examples__pillar-title">{PILLAR_TITLE[pillar]}</h4>
          {groups.map(({ breakPoint, entries }) => (
            <div key={breakPoint ?? 'holds'} className="hs-examples__group" data-testid={`examples-${pillar}-${breakPoint ?? 'holds'}`}>
              <div className="hs-examples__break">{breakPointTitle(breakPoint)}</div>
              <ul className="hs-examples__list">
                {entries.map((ex) => (
                  <li key={ex.file}>
                    <button type="button" className="hs-btn" data-testid={`example-${ex.file.replace(/\.json$/, '')}`} onClick={() => onPick(ex)} title={`Open a copy of ${ex.name}`}>
                      {ex.name}
                    </button>
                    <span className="hs-muted">{ex.about}</span>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </section>
      ))}
    </section>
  );
}
