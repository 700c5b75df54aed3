/**
 * Reading an experiment file: its schema, then the files it names (the base document, the
 * dataset), then each variant × input document built and parsed, so every problem shows at
 * once with its path (`variants[1].patch[0]: …`, `dataset.file inputs.csv line 4: …`).
 */
import { fromZod, parseHarness, parseJsonText, type HarnessSpec, type SpecIssue } from '../spec';
import { canonicalJson, sha256Hex } from '../trust/digest';
import { applyPatch, type PatchOp } from './patch';
import { bindRow, parseCsvRows, parseJsonlRows } from './dataset';
import { DEFAULT_METRICS, resolveMetric, type Metric } from './metrics';
import { ExperimentFileSchema, type ExperimentFile, type MetricSpec } from './schema';

/** Reads a file an experiment names, by the path as written (relative to the experiment file). Throws with a message when it cannot. */
export type ReadFile = (path: string) => string;

/**
 * An experiment with every file it names read in: plain JSON, so a worker thread, a queue job
 * or a result file can carry it whole, and its hash names it.
 */
export interface ResolvedExperiment extends Omit<ExperimentFile, 'base' | 'dataset' | 'metrics'> {
  base: Record<string, unknown>;
  dataset?: { rows: Array<Record<string, unknown>>; id?: string; bind: PatchOp[] };
  metrics: MetricSpec[];
}

/** A prepared experiment: the resolved file, its hash, metrics, inputs and the document of each variant × input. */
export interface Experiment {
  readonly file: ResolvedExperiment;
  /** 16 hex digits of the SHA-256 of the resolved file's canonical JSON: result records carry it. */
  readonly hash: string;
  readonly metrics: readonly Metric[];
  readonly variants: readonly string[];
  /** Input ids in dataset order; `[null]` without a dataset. */
  readonly inputs: readonly (string | null)[];
  /** The parsed document a run of `variant` on `input` runs. */
  spec(variant: string, input: string | null): HarnessSpec;
}

/** A prepared experiment, or every problem found, each at its path. */
export type LoadResult = { ok: true; experiment: Experiment } | { ok: false; issues: SpecIssue[] };

const issue = (path: string, message: string): SpecIssue => ({ path, message: path ? `${path}: ${message}` : message });

/** Reads an experiment file (JSON text or a value) and the files it names. Never throws. */
export function loadExperiment(input: unknown, read: ReadFile): LoadResult {
  let raw = input;
  if (typeof input === 'string') {
    const json = parseJsonText(input);
    if (!json.ok) return json;
    raw = json.value;
  }
  const parsed = ExperimentFileSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, issues: parsed.error.issues.map((i) => fromZod(i, raw)) };
  const file = parsed.data;
  const issues: SpecIssue[] = [];

  let base: Record<string, unknown> | undefined;
  if (typeof file.base === 'string') {
    let text: string | undefined;
    try {
      text = read(file.base);
    } catch (err) {
      issues.push(issue('base', `cannot read ${file.base}: ${err instanceof Error ? err.message : String(err)}`));
    }
    if (text !== undefined) {
      const json = parseJsonText(text);
      if (!json.ok) issues.push(...json.issues.map((i) => issue('base', `${file.base}: ${i.message}`)));
      else if (typeof json.value !== 'object' || json.value === null || Array.isArray(json.value)) issues.push(issue('base', `${file.base}: expected a harness document (a JSON object)`));
      else base = json.value as Record<string, unknown>;
    }
  } else base = file.base;

  let dataset: ResolvedExperiment['dataset'];
  if (file.dataset) {
    const d = file.dataset;
    let rows: Array<Record<string, unknown>> | undefined = d.rows;
    if (d.file !== undefined) {
      const name = d.file;
      try {
        const text = read(name);
        const got = /\.csv$/i.test(name) ? parseCsvRows(text, name) : /\.(jsonl|ndjson)$/i.test(name) ? parseJsonlRows(text, name) : `${name}: expected a .jsonl or .csv file`;
        if (typeof got === 'string') issues.push(issue('dataset.file', got));
        else rows = got.map((r) => r.fields);
      } catch (err) {
        issues.push(issue('dataset.file', `cannot read ${name}: ${err instanceof Error ? err.message : String(err)}`));
      }
    }
    if (rows !== undefined) dataset = { rows, bind: d.bind as PatchOp[], ...(d.id !== undefined ? { id: d.id } : {}) };
  }
  if (issues.length > 0 || base === undefined) return { ok: false, issues };
  const { base: _b, dataset: _d, metrics, ...rest } = file;
  return prepareExperiment({ ...rest, base, ...(dataset ? { dataset } : {}), metrics: metrics ?? [...DEFAULT_METRICS] }, file.dataset?.file);
}

/**
 * Checks a resolved experiment and prepares it: ids unique, references known, every variant's
 * patch applies, every input binds, every document parses. A worker thread calls it again on
 * the resolved file it was sent. `datasetFile` names the dataset in messages.
 */
export function prepareExperiment(file: ResolvedExperiment, datasetFile?: string): LoadResult {
  const issues: SpecIssue[] = [];
  const variants = file.variants.map((v) => v.id);
  const metrics = file.metrics.map(resolveMetric);
  const seen = (ids: readonly string[], at: (i: number) => string, what: string) =>
    ids.forEach((id, i) => {
      if (ids.indexOf(id) !== i) issues.push(issue(at(i), `${what} "${id}" is already defined at ${at(ids.indexOf(id))}`));
    });
  seen(variants, (i) => `variants[${i}].id`, 'variant');
  seen(
    metrics.map((m) => m.id),
    (i) => `metrics[${i}]`,
    'metric',
  );
  const metricById = new Map(metrics.map((m) => [m.id, m]));
  const variantKnown = (id: string, at: string) => {
    if (!variants.includes(id)) issues.push(issue(at, `no variant "${id}" (variants: ${variants.join(', ')})`));
  };
  const metricKnown = (id: string, at: string, shapes: readonly string[]) => {
    const m = metricById.get(id);
    if (!m) issues.push(issue(at, `no metric "${id}" (metrics: ${metrics.map((x) => x.id).join(', ')})`));
    else if (!shapes.includes(m.shape)) issues.push(issue(at, `metric "${id}" is a ${m.kind} metric, counted per category: it has no interval`));
  };
  file.compare?.forEach(([a, b], i) => {
    variantKnown(a, `compare[${i}][0]`);
    variantKnown(b, `compare[${i}][1]`);
    if (a === b) issues.push(issue(`compare[${i}]`, `compares "${a}" with itself`));
  });
  file.expect.forEach((e, i) => {
    metricKnown(e.metric, `expect[${i}].metric`, ['rate', 'mean']);
    if ('better' in e) {
      variantKnown(e.better, `expect[${i}].better`);
      variantKnown(e.than, `expect[${i}].than`);
      if (e.better === e.than) issues.push(issue(`expect[${i}]`, `compares "${e.better}" with itself`));
      const m = metricById.get(e.metric);
      if (m && m.better === null) issues.push(issue(`expect[${i}].metric`, `metric "${e.metric}" has no better direction`));
    } else variantKnown(e.variant, `expect[${i}].variant`);
  });
  if ('until' in file.seeds) metricKnown(file.seeds.until.metric, 'seeds.until.metric', ['rate', 'mean']);
  const minSeeds = 'count' in file.seeds ? file.seeds.count : file.seeds.batch;
  file.passAtK.forEach((k, i) => {
    if (k > minSeeds) issues.push(issue(`passAtK[${i}]`, `pass@${k} needs at least ${k} seeds per input; the experiment runs ${minSeeds}${'until' in file.seeds ? ' in its first batch' : ''}`));
  });

  // Inputs: ids from the id field or the position; each row's binding is checked per variant below.
  const rows = file.dataset?.rows;
  const inputs: (string | null)[] = rows ? rows.map((r, i) => (file.dataset!.id !== undefined ? String(r[file.dataset!.id] ?? '') : `row-${i + 1}`)) : [null];
  const rowAt = (i: number) => (datasetFile !== undefined ? `dataset.file ${datasetFile} row ${i + 1}` : `dataset.rows[${i}]`);
  if (rows) {
    if (rows.length === 0) issues.push(issue(datasetFile !== undefined ? 'dataset.file' : 'dataset.rows', 'no rows'));
    inputs.forEach((id, i) => {
      if (id === '') issues.push(issue(rowAt(i), `no "${file.dataset!.id}" field to name the input`));
      else if (inputs.indexOf(id) !== i) issues.push(issue(rowAt(i), `input "${id}" is already the id of row ${inputs.indexOf(id) + 1}`));
    });
  }
  if (issues.length > 0) return { ok: false, issues };

  const specs = new Map<string, HarnessSpec>();
  const key = (variant: string, input: string | null) => `${variant}\u0000${input ?? ''}`;
  file.variants.forEach((v, vi) => {
    const patched = applyPatch(file.base, v.patch as PatchOp[]);
    if (!patched.ok) {
      issues.push(issue(`variants[${vi}].patch[${patched.error.index}]`, `variant "${v.id}": ${patched.error.message}`));
      return;
    }
    inputs.forEach((input, ii) => {
      let doc = patched.value;
      if (rows) {
        const bound = bindRow(file.dataset!.bind, rows[ii]!);
        if (!Array.isArray(bound)) {
          issues.push(issue(rowAt(ii), `no field "${bound.missing}" for {{${bound.missing}}} in dataset.bind`));
          return;
        }
        const applied = applyPatch(doc, bound);
        if (!applied.ok) {
          issues.push(issue(`dataset.bind[${applied.error.index}]`, `variant "${v.id}", input "${input}": ${applied.error.message}`));
          return;
        }
        doc = applied.value;
      }
      const parsed = parseHarness(doc);
      const where = rows ? `variants[${vi}] on input "${input}"` : `variants[${vi}]`;
      if (!parsed.ok) {
        for (const i of parsed.issues.slice(0, 8)) issues.push(issue(where, `variant "${v.id}" is not a valid harness document: ${i.message}`));
        return;
      }
      specs.set(key(v.id, input), parsed.spec);
      metrics.forEach((m, mi) => {
        const s = m.spec;
        if (s.kind === 'goal' && !parsed.spec.goals.some((g) => g.id === s.goal)) issues.push(issue(`metrics[${mi}].goal`, `variant "${v.id}" has no goal "${s.goal}"`));
        if (s.kind === 'attack' && !parsed.spec.tools.some((t) => t.id === s.tool)) issues.push(issue(`metrics[${mi}].tool`, `variant "${v.id}" has no tool "${s.tool}"`));
        for (const field of ['agent', 'from', 'to'] as const) {
          const agent = (s as Record<string, unknown>)[field];
          if (typeof agent === 'string' && !parsed.spec.agents.some((a) => a.id === agent)) issues.push(issue(`metrics[${mi}].${field}`, `variant "${v.id}" has no agent "${agent}"`));
        }
      });
    });
  });
  if (issues.length > 0) return { ok: false, issues: dedupe(issues) };

  const experiment: Experiment = {
    file,
    hash: sha256Hex(canonicalJson(file)).slice(0, 16),
    metrics,
    variants,
    inputs,
    spec: (variant, input) => {
      const s = specs.get(key(variant, input));
      if (!s) throw new RangeError(`experiment "${file.name}" has no variant "${variant}" on input ${JSON.stringify(input)}`);
      return s;
    },
  };
  return { ok: true, experiment };
}

function dedupe(issues: readonly SpecIssue[]): SpecIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => !seen.has(i.message) && seen.add(i.message) !== undefined);
}
