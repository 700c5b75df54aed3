/** docs/trace-format.md must describe every event type the kernel can emit. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../kernel';

const doc = readFileSync(new URL('../../docs/trace-format.md', import.meta.url), 'utf8');

describe('docs/trace-format.md', () => {
  it('has a row for every event type', () => {
    const missing = EVENT_TYPES.filter((t) => !doc.includes(`| \`${t}\` |`));
    expect(missing, 'add these to the table in docs/trace-format.md').toEqual([]);
  });

  it('lists no event type the kernel does not have', () => {
    const documented = [...doc.matchAll(/^\| `([a-z]+\.[a-z]+)` \|/gm)].map((m) => m[1]);
    expect(documented.filter((t) => !(EVENT_TYPES as readonly string[]).includes(t!))).toEqual([]);
  });
});
