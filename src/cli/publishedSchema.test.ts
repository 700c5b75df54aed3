/**
 * The JSON Schema published for editors (public/harness.schema.json, served by the studio and
 * named by documents' "$schema") is generated from the zod schema; the committed copy must be
 * the current one, or editors validate against fields the kernel no longer has (or lack new ones).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { harnessJsonSchema } from '../kernel/spec';
import { experimentJsonSchema } from '../kernel/experiment';

describe('public/harness.schema.json', () => {
  it('is what `npm run schema` writes from the kernel schema today', () => {
    const committed = readFileSync(path.resolve(__dirname, '../../public/harness.schema.json'), 'utf8');
    expect(committed, 'run `npm run -s schema` and commit public/harness.schema.json').toBe(`${JSON.stringify(harnessJsonSchema(), null, 2)}\n`);
  });
});

describe('public/experiment.schema.json', () => {
  it('is what `npm run schema` writes from the experiment schema today', () => {
    const committed = readFileSync(path.resolve(__dirname, '../../public/experiment.schema.json'), 'utf8');
    expect(committed, 'run `npm run -s schema` and commit public/experiment.schema.json').toBe(`${JSON.stringify(experimentJsonSchema(), null, 2)}\n`);
  });
});
