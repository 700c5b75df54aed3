/**
 * The Permissions view's injection-suite actions: Score and Cancel ask the worker (which loads
 * the suite the app serves and runs it), and a harness of the suite opens as a new project
 * under one defence setting, to run and inspect. Failures become the section's error text.
 */
import { callback, studio } from '../../bridge/client';
import { parseHarness, withDefence, type Defence } from '../../kernel';
import { useStudio, useSuiteScoring } from '../../store';
import { createProject } from '../shell/projectActions';

/** The suite folder as the app serves it (public/examples/injection-suite), as an absolute URL for the worker. */
export const suiteUrl = (): string => new URL(`${import.meta.env.BASE_URL}examples/injection-suite/`, self.location.href).href;

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Scores the suite in the worker, keeping progress and the report in the store. */
export async function scoreInjectionSuite(): Promise<void> {
  const { setSuite, suite } = useSuiteScoring.getState();
  if (suite.phase === 'loading' || suite.phase === 'scoring') return;
  setSuite({ phase: 'loading', done: 0, total: 0, cancelling: false, error: null });
  try {
    const report = await studio().scoreInjectionSuite(
      { url: suiteUrl(), ...(suite.cpu ? { cpu: suite.cpu } : {}) },
      // Progress comes on its own port and may trail the answer: only a scoring still running takes it.
      callback((done: number, total: number) => {
        const { suite, setSuite: set } = useSuiteScoring.getState();
        if (suite.phase === 'loading' || suite.phase === 'scoring') set({ phase: 'scoring', done, total });
      }),
    );
    setSuite({ phase: 'done', report, cancelling: false, done: report.results.length, total: report.entries.length * report.seeds * report.scores.length });
  } catch (err) {
    setSuite({ phase: 'failed', cancelling: false, error: message(err) });
  }
}

/** Stops the scoring after the run in progress (the report shows what was done). */
export async function cancelInjectionSuite(): Promise<void> {
  useSuiteScoring.getState().setSuite({ cancelling: true });
  await studio().cancelInjectionSuite().catch((err: unknown) => useSuiteScoring.getState().setSuite({ error: message(err) }));
}

/** Opens harness `file` of the suite as a new project, with `defence` applied, to run it and see which rule decides. */
export async function openSuiteHarness(file: string, defence: Defence): Promise<void> {
  try {
    const res = await fetch(new URL(file, suiteUrl()));
    if (!res.ok) throw new Error(`${file}: the server answered ${res.status}`);
    const parsed = parseHarness(await res.text());
    if (!parsed.ok) throw new Error(`${file}: ${parsed.issues[0]?.message ?? 'invalid'}`);
    await createProject(`${parsed.spec.name} (defence: ${defence})`, withDefence(parsed.spec, defence));
  } catch (err) {
    useStudio.getState().notify({ level: 'error', message: `Could not open ${file}: ${message(err)}` });
  }
}
