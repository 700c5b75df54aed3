import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli, type CliIo } from './commands';

/**
 * Golden trace hashes of every shipped example at seeds 1–3 (CLI, `--approve all`).
 * A refactor must leave these unchanged; a change of behaviour on purpose updates them
 * and says which example changed and why in its commit message.
 */
const GOLDEN: Record<string, [string, string, string]> = {
  'approvals.json': ['c670d3c285721b16', 'f04865e0726b2b53', '73b10d1339b9ae18'],
  'ask-human.json': ['74859c80336ec6bb', 'e7df974b80efdfea', '37ab9b00007057e1'],
  'contention.json': ['c0b03aa09f5c3622', '731926b6a74e6b45', '1e44d0081f274008'],
  'context-rot.json': ['e9eec60e7d70d2d6', '5f0d5062219f2119', '7c4c2814fc3b1562'],
  'cutoff.json': ['4bfe63f521dcb017', 'd7aa612b9b957eba', '3d2f1f3383577599'],
  'delegation.json': ['a384b39b8767e5e9', 'cb0afaf10628ee0c', 'd286fee0cd8deb19'],
  'groupchat.json': ['89a403f268c3ade0', '2880c38df2e4450b', '32a5d519b87b7c63'],
  'distractors.json': ['a26a6921d0282000', '247b8bcd4c0ffe6c', '55b4191e9f42cdc3'],
  'distractors-checked.json': ['1e5e61cef4bd8589', 'bc076dd10b50500f', '52736d4cffe8b0b4'],
  'injection.json': ['afe5b9d5ce03f07f', '74721cdb0622125a', '4e990437ec1dbe81'],
  'identity.json': ['5b16c3606517ca32', '6b6fe74d4e2507bb', '7866d9e3e4ad5e84'],
  'kv-cache.json': ['faf827264beaddd5', '76d0a14c3e6c2cf2', '0788fa4a803d428b'],
  'livelock.json': ['77bc2b3689873693', 'b4e5ff17ed246498', 'a76e28e2a212a1f9'],
  'paging.json': ['a2db8473bb5f0ac0', '3ef9931ab6c84db3', 'b5b1d83cb114ffde'],
  'proc-budget.json': ['23d1b9edb114fc01', '8b2a3e19cb889186', 'e3386e05ce213d8b'],
  'regions.json': ['9325fcd96e042f62', '1d763a3af4df3a1b', 'e5efc4ffd758482c'],
  'spawn-background.json': ['2baecafb2b524cdc', '7a27752b3090d07d', '2f56fdc1a49fe20e'],
  'spawn-tree.json': ['2493ad1bb5578e1b', '8d13c5e6aad966a6', '85474cc7b3b1e3d9'],
  'research-team.json': ['114954687da882be', 'b9520f5cbdc219c0', '317b584034ec8503'],
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
    // Every listed example is pinned here, except those on a real model: they need an endpoint
    // (realModels.test.ts asserts that running real-agent.json without one exits 2 saying what to set).
    const unpinned = (index as { file: string }[]).map((x) => x.file).filter((f) => !(f in GOLDEN));
    expect(unpinned).toEqual(['real-agent.json']);
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
