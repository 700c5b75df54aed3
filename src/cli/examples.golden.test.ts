import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli, type CliIo } from './commands';

/**
 * Golden trace hashes of every shipped example at seeds 1–3 (CLI, `--approve all`).
 * A refactor must leave these unchanged; a change of behaviour on purpose updates them
 * and says which example changed and why in its commit message.
 */
const GOLDEN: Record<string, [string, string, string]> = {
  'approvals.json': ['f7fe37dc5aa904e3', '346699932a6340b6', '51d68ec3e99aab2d'],
  'ask-human.json': ['74859c80336ec6bb', 'e7df974b80efdfea', '37ab9b00007057e1'],
  'contention.json': ['c0b03aa09f5c3622', '731926b6a74e6b45', '1e44d0081f274008'],
  'delegation.json': ['a384b39b8767e5e9', 'cb0afaf10628ee0c', 'd286fee0cd8deb19'],
  'distractors.json': ['4e4c3a87d742dd9f', '3fad59560faafc79', '2b1d7f06421332f4'],
  'injection.json': ['8f19d3adc9599a39', 'dbc95d202dd54e74', '6b9aa9a79a370c87'],
  'livelock.json': ['77bc2b3689873693', 'b4e5ff17ed246498', 'a76e28e2a212a1f9'],
  'paging.json': ['e72fe61fc8d110ee', 'ee96a96d3ede1e39', 'c53096cdaae77f90'],
  'research-team.json': ['ce090bad9944257b', 'c06a209aa32de153', 'd7987d51abebdd1c'],
};

const diskIo: CliIo = {
  readFile: (path) => readFileSync(path, 'utf8'),
  writeFile: () => {
    throw new Error('the golden test writes nothing');
  },
};

describe('example trace hashes (golden)', () => {
  const index = JSON.parse(readFileSync('public/examples/index.json', 'utf8')) as unknown;
  it('covers every example the studio lists', () => {
    const listed = JSON.stringify(index);
    for (const name of Object.keys(GOLDEN)) expect(listed).toContain(name.replace('.json', ''));
  });
  for (const [name, hashes] of Object.entries(GOLDEN)) {
    it(`${name} at seeds 1–3`, async () => {
      const got: string[] = [];
      for (const seed of [1, 2, 3]) {
        const r = await runCli(['run', `public/examples/${name}`, '--seed', String(seed), '--approve', 'all', '--json'], diskIo);
        got.push((JSON.parse(r.stdout.trim().split('\n').pop()!) as { traceHash: string }).traceHash);
      }
      expect(got).toEqual(hashes);
    });
  }
});
