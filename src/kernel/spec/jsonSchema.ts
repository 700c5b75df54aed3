import { z } from 'zod';
import { HarnessSpecSchema } from './schema';

/** The JSON Schema published for editors (public/harness.schema.json), generated from the zod schema. */
export function harnessJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(HarnessSpecSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, $id: 'https://harness.studio/schema/harness-v1.json', title: 'Harness Studio harness document, version 1' };
}
