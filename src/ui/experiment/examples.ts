/**
 * The example experiments the app serves (public/examples/*.experiment.json), opened as a
 * studio experiment: the base document (a file beside it) and any dataset file read in, so
 * the stored experiment holds everything it needs.
 */
import { parseDatasetText, type EditableExperiment } from './definition';

const EXAMPLES = `${import.meta.env.BASE_URL}examples/`;

/** The shipped experiment files, in the order the menu lists them. */
export const EXAMPLE_EXPERIMENTS: readonly { file: string; label: string }[] = [
  { file: 'distractors.experiment.json', label: 'Distractors: planted memo vs without' },
  { file: 'distractors-checked.experiment.json', label: 'Distractors: validity checked vs planted' },
  { file: 'delegation.experiment.json', label: 'Delegation: tagged facts vs prose' },
  { file: 'injection.experiment.json', label: 'Injection: defences on vs off' },
  { file: 'contention.experiment.json', label: 'Contention: fair vs fifo vs priority' },
  { file: 'context-rot.experiment.json', label: 'Context rot: success rate against window size' },
];

async function fetchText(name: string): Promise<string> {
  const res = await fetch(new URL(`${EXAMPLES}${name}`, self.location.href));
  if (!res.ok) throw new Error(`${name}: the server answered ${res.status}`);
  return res.text();
}

function parse(name: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new Error(`${name}: not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
}

/** Reads an example experiment and the files it names into one self-contained experiment. */
export async function loadExampleExperiment(file: string): Promise<EditableExperiment> {
  const raw = parse(file, await fetchText(file)) as Record<string, unknown>;
  const { $schema: _schema, ...rest } = raw;
  const out = { ...rest } as Record<string, unknown>;
  if (typeof raw.base === 'string') out.base = parse(raw.base, await fetchText(raw.base));
  const dataset = raw.dataset as { file?: string } | undefined;
  if (dataset?.file !== undefined) {
    const rows = parseDatasetText(await fetchText(dataset.file), dataset.file);
    if (typeof rows === 'string') throw new Error(rows);
    const { file: _f, ...d } = dataset;
    out.dataset = { ...d, rows };
  }
  return out as EditableExperiment;
}
