/**
 * The experiment file (`*.experiment.json`): a base harness document, variants as named JSON
 * Patches over it, the seeds, an optional dataset of inputs, the metrics and what the author
 * expects. One zod schema is the source of truth; it also emits the published JSON Schema
 * (public/experiment.schema.json).
 */
import { z } from 'zod';

/** The experiment file format's version. */
export const EXPERIMENT_VERSION = 1;

const Id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, 'an id is letters, digits and _ . : - (starting with a letter or digit)');
const Pointer = z.string().regex(/^(\/.*)?$/, 'a JSON Pointer starts with "/" (or is "" for the whole document)');

/** One JSON Patch (RFC 6902) operation. */
export const PatchOpSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('add'), path: Pointer, value: z.unknown() }).strict(),
  z.object({ op: z.literal('replace'), path: Pointer, value: z.unknown() }).strict(),
  z.object({ op: z.literal('test'), path: Pointer, value: z.unknown() }).strict(),
  z.object({ op: z.literal('remove'), path: Pointer }).strict(),
  z.object({ op: z.literal('move'), from: Pointer, path: Pointer }).strict(),
  z.object({ op: z.literal('copy'), from: Pointer, path: Pointer }).strict(),
]);

/** A variant: the base document with `patch` applied (an empty patch is the base as it is). */
export const VariantSchema = z
  .object({
    id: Id,
    name: z.string().min(1).optional(),
    description: z.string().optional(),
    patch: z.array(PatchOpSchema).default([]),
  })
  .strict();

const Seed = z.number().int().min(0).max(0xffff_ffff);

/**
 * Seeds: a fixed `count` from `from`, or batches of `batch` seeds `until` every variant's
 * interval of `metric` is narrower than `width` (at most `max` seeds).
 */
export const SeedsSchema = z.union([
  z.object({ count: z.number().int().min(1).max(100_000), from: Seed.default(1) }).strict(),
  z
    .object({
      until: z.object({ metric: Id, width: z.number().positive().max(1_000_000) }).strict(),
      max: z.number().int().min(1).max(100_000),
      batch: z.number().int().min(1).max(10_000).default(10),
      from: Seed.default(1),
    })
    .strict(),
]);

/**
 * A dataset of inputs: rows inline, or a JSONL/CSV file beside the experiment file. Each row is
 * bound into the document by `bind`, a JSON Patch whose string values may name the row's
 * fields as `{{field}}` (e.g. a prompt, or a document added to a store). `id`: the row field
 * that names an input (default: its position, `row-1`, `row-2`, …).
 */
export const DatasetSchema = z
  .object({
    file: z.string().min(1).optional(),
    rows: z.array(z.record(z.string(), z.unknown())).optional(),
    id: z.string().min(1).optional(),
    bind: z.array(PatchOpSchema).min(1),
  })
  .strict()
  .refine((d) => (d.file === undefined) !== (d.rows === undefined), { message: 'a dataset has exactly one of file or rows' });

/** Whether a higher or a lower value of a metric is better (null: neither, it is only described). */
export const BetterSchema = z.enum(['higher', 'lower']);

const metric = <K extends string, S extends z.ZodRawShape>(kind: K, shape: S) =>
  z.object({ kind: z.literal(kind), id: Id.optional(), name: z.string().min(1).optional(), better: BetterSchema.optional(), ...shape }).strict();

/**
 * What each run measures, from its trace and final state as the kernel reports them:
 * - `goals`: every goal met (pass/fail); `goal`: one goal met (`attack: true` marks a goal
 *   that is met when an attack succeeded, so lower is better);
 * - `attack`: the tool `tool` ran (ok) with arguments containing `contains` (the injection suite's check);
 * - `cost`, `tokensIn`, `tokensOut`, `steps`, `events`, `time` (virtual ms at the stop): numbers;
 * - `stopReason`: the stop reason (counted per reason);
 * - `retention`: the share of tracked facts that arrived intact over the messages of an edge
 *   (`from` → `to`, either may be left out for any), as the kernel measured them (msg.retained);
 * - `waitP95`: the 95th percentile of the wait before each turn of `agent` (all agents if none), ms;
 * - `deadlineMisses`: turns of deadline-class agents (or of `agent`) that completed after the
 *   absolute deadline they were picked with.
 */
export const MetricSchema = z.discriminatedUnion('kind', [
  metric('goals', {}),
  metric('goal', { goal: Id, attack: z.boolean().optional() }),
  metric('attack', { tool: Id, contains: z.string().min(1) }),
  metric('cost', {}),
  metric('tokensIn', {}),
  metric('tokensOut', {}),
  metric('steps', {}),
  metric('events', {}),
  metric('time', {}),
  metric('stopReason', {}),
  metric('retention', { from: Id.optional(), to: Id.optional() }),
  metric('waitP95', { agent: Id.optional() }),
  metric('deadlineMisses', { agent: Id.optional() }),
]);

/**
 * What the author expects; the CLI exits 0 when every expectation holds. `better`/`than`:
 * variant `better` beats `than` on `metric` in the paired test at `confidence`.
 * `atLeast`/`atMost`: the whole interval of `variant`'s `metric` lies at or above / below the value.
 */
export const ExpectationSchema = z.union([
  z.object({ metric: Id, better: Id, than: Id, confidence: z.number().gt(0).lt(1).optional() }).strict(),
  z
    .object({ metric: Id, variant: Id, atLeast: z.number().optional(), atMost: z.number().optional(), confidence: z.number().gt(0).lt(1).optional() })
    .strict()
    .refine((e) => e.atLeast !== undefined || e.atMost !== undefined, { message: 'an interval expectation needs atLeast or atMost' }),
]);

/** An experiment file as written (version 1); `loadExperiment` reads it and the files it names. */
export const ExperimentFileSchema = z
  .object({
    $schema: z.string().optional(),
    version: z.literal(EXPERIMENT_VERSION),
    name: z.string().min(1),
    description: z.string().default(''),
    /** The harness document: a path relative to the experiment file, or the document inline. */
    base: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
    variants: z.array(VariantSchema).min(1),
    seeds: SeedsSchema,
    dataset: DatasetSchema.optional(),
    metrics: z.array(MetricSchema).min(1).optional(),
    /** Pairs [a, b] to compare (b against a); default: every variant against the first. */
    compare: z.array(z.tuple([Id, Id])).optional(),
    expect: z.array(ExpectationSchema).default([]),
    /** Who answers permission asks (nobody is at the keyboard): approve all, or deny all (default, like `harness run`). */
    approve: z.enum(['all', 'none']).default('none'),
    /** The confidence of every interval and test (default 0.95). */
    confidence: z.number().gt(0).lt(1).default(0.95),
    /** Bootstrap resamples and the seed of their draws. */
    bootstrap: z.object({ resamples: z.number().int().min(100).max(100_000).default(2000), seed: Seed.default(1) }).strict().default({ resamples: 2000, seed: 1 }),
    /** k values of pass@k reported for pass/fail metrics (each needs at least k seeds per input). */
    passAtK: z.array(z.number().int().min(1)).default([]),
  })
  .strict();

/** An experiment file with defaults filled in. */
export type ExperimentFile = z.infer<typeof ExperimentFileSchema>;
/** An experiment file as an author may write it (defaults optional). */
export type ExperimentFileInput = z.input<typeof ExperimentFileSchema>;
/** A variant: id, optional name and description, its patch. */
export type VariantSpec = z.infer<typeof VariantSchema>;
/** Fixed or adaptive seeds. */
export type SeedsSpec = z.infer<typeof SeedsSchema>;
/** A dataset as written: rows or a file, the id field, the bind patch. */
export type DatasetSpec = z.infer<typeof DatasetSchema>;
/** A metric as written. */
export type MetricSpec = z.infer<typeof MetricSchema>;
/** The kinds of metric. */
export type MetricKind = MetricSpec['kind'];
/** An expectation as written: a paired comparison, or an interval bound. */
export type Expectation = z.infer<typeof ExpectationSchema>;

/** The published JSON Schema of experiment files (public/experiment.schema.json). */
export function experimentJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ExperimentFileSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, $id: 'https://harness.studio/schema/experiment-v1.json', title: 'Harness Studio experiment file, version 1' };
}
