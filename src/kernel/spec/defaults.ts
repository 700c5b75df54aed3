/**
 * The schema's defaults as plain values, read from the zod schema itself: what a document that
 * leaves a field out gets. The UI shows these (placeholders, "(default)" choices, the values it
 * writes when a tool changes kind) instead of restating them, so the two cannot disagree.
 */
import { z } from 'zod';
import {
  AgentSchema,
  CapabilitySchema,
  ChannelSchema,
  CoreBlockSchema,
  DocumentSchema,
  LimitsSchema,
  MemorySchema,
  ModelSchema,
  PolicySchema,
  SchedParamsSchema,
  StoreSchema,
  ToolImplSchema,
  ToolSchema,
} from './schema';

type Shape = Record<string, z.ZodType>;

/** The fields of an object schema that have a `.default(…)`, each with its default's type. */
export type FieldDefaults<S extends Shape> = {
  readonly [K in keyof S as S[K] extends z.ZodDefault ? K : never]: z.output<S[K]>;
};

/** The default of every field of `schema` that has one (fields without a default are left out). */
export function fieldDefaults<S extends Shape>(schema: z.ZodObject<S>): FieldDefaults<S> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    if (field instanceof z.ZodDefault) out[key] = field.def.defaultValue;
  }
  return Object.freeze(out) as FieldDefaults<S>;
}

type ToolImplKind = z.output<typeof ToolImplSchema>['kind'];

/** Per tool implementation kind, the defaults of its fields (the kind itself left out). */
function toolImplDefaults(): Readonly<Record<ToolImplKind, Readonly<Record<string, unknown>>>> {
  const out: Partial<Record<ToolImplKind, Readonly<Record<string, unknown>>>> = {};
  for (const option of ToolImplSchema.options) {
    const { kind: _kind, ...rest } = fieldDefaults(option as z.ZodObject<Shape>) as Record<string, unknown>;
    out[option.shape.kind.value] = Object.freeze(rest);
  }
  return Object.freeze(out) as Readonly<Record<ToolImplKind, Readonly<Record<string, unknown>>>>;
}

/** The schema's field defaults, per kind of entity (see fieldDefaults). */
export const specDefaults = Object.freeze({
  model: fieldDefaults(ModelSchema),
  agent: fieldDefaults(AgentSchema),
  memory: fieldDefaults(MemorySchema),
  coreBlock: fieldDefaults(CoreBlockSchema),
  capability: fieldDefaults(CapabilitySchema),
  tool: fieldDefaults(ToolSchema),
  toolImpl: toolImplDefaults(),
  store: fieldDefaults(StoreSchema),
  document: fieldDefaults(DocumentSchema),
  channel: fieldDefaults(ChannelSchema),
  policy: fieldDefaults(PolicySchema),
  limits: fieldDefaults(LimitsSchema),
  /** The harness-wide scheduler knobs (an agent's class fields come from the sched registry). */
  sched: fieldDefaults(SchedParamsSchema),
});
