/**
 * `npm run -s schema`: writes public/harness.schema.json and, beside it,
 * public/experiment.schema.json (the JSON Schemas published for editors) from the zod schemas,
 * the single source of truth. Run from the repo root.
 */
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { experimentJsonSchema, harnessJsonSchema } from '../kernel';

const out = path.resolve(process.argv[2] ?? 'public/harness.schema.json');
for (const [file, schema] of [
  [out, harnessJsonSchema()],
  [path.join(path.dirname(out), 'experiment.schema.json'), experimentJsonSchema()],
] as const) {
  const text = `${JSON.stringify(schema, null, 2)}\n`;
  const before = existsSync(file) ? readFileSync(file, 'utf8') : null;
  if (before !== text) writeFileSync(file, text);
  process.stdout.write(`${path.relative(process.cwd(), file)}${before === text ? ' (unchanged)' : ''}\n`);
}
