/**
 * `npm run -s schema`: writes public/harness.schema.json (the JSON Schema published for
 * editors) from the zod schema, the single source of truth. Run from the repo root.
 */
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { harnessJsonSchema } from '../kernel/spec';

const out = path.resolve(process.argv[2] ?? 'public/harness.schema.json');
const text = `${JSON.stringify(harnessJsonSchema(), null, 2)}\n`;
const before = existsSync(out) ? readFileSync(out, 'utf8') : null;
if (before !== text) writeFileSync(out, text);
process.stdout.write(`${path.relative(process.cwd(), out)}${before === text ? ' (unchanged)' : ''}\n`);
