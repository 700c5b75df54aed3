import { z } from 'zod';
import { SCHED_CLASSES } from '../sched';
import { HarnessSpecSchema, SchedSchema } from './schema';

/**
 * What zod cannot say of an agent's `sched` section: the fields its class requires, as one
 * if/then per class (`class` naming it → those fields present), built from the registry.
 */
function schedRequirements(): Record<string, unknown>[] {
  return SCHED_CLASSES.ordered
    .map((c) => ({ name: c.name, required: c.params.filter((p) => p.required).map((p) => p.name) }))
    .filter((c) => c.required.length > 0)
    .map((c) => ({ if: { properties: { class: { const: c.name } }, required: ['class'] }, then: { required: c.required } }));
}

/** The JSON Schema published for editors (public/harness.schema.json), generated from the zod schema. */
export function harnessJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(HarnessSpecSchema, {
    io: 'input',
    unrepresentable: 'any',
    override: (ctx) => {
      if ((ctx.zodSchema as unknown) === SchedSchema) ctx.jsonSchema.allOf = schedRequirements();
    },
  }) as Record<string, unknown>;
  return { ...schema, $id: 'https://harness.studio/schema/harness-v1.json', title: 'Harness Studio harness document, version 1' };
}
