/**
 * The Trusted keys panel moves keys as a trusted-keys file, the one `harness run --trusted-keys`
 * reads: Export saves every listed key (this browser's own included) by thumbprint; Import trusts
 * the keys of such a file (as `harness keys` writes it), and a bad file says which entry is wrong.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { openStudio } from './helpers';

test('trusted keys export to a file the CLI reads and import from one it writes', async ({ page }, info) => {
  const errors = await openStudio(page);
  await page.getByTestId('canvas-view-policy').click();
  await page.getByTestId('policy-trusted-keys').click();
  const keys = page.getByTestId('trusted-keys');
  await expect(keys.getByTestId('trusted-key')).toHaveCount(1);
  const own = await keys.getByTestId('trusted-key').first().getAttribute('data-thumbprint');

  const [download] = await Promise.all([page.waitForEvent('download'), keys.getByTestId('trusted-keys-export').click()]);
  expect(download.suggestedFilename()).toBe('trusted-keys.json');
  const file = info.outputPath('trusted-keys.json');
  await download.saveAs(file);
  const exported = JSON.parse(readFileSync(file, 'utf8')) as { kind: string; version: number; keys: Array<{ thumbprint: string; label: string }> };
  expect(exported).toEqual({ kind: 'harness-trusted-keys', version: 1, keys: [{ thumbprint: own, label: 'studio browser key' }] });

  // A file as `harness keys add` writes it: one new key, and this browser's own (already trusted).
  const kim = 'ab12'.repeat(16);
  const text = JSON.stringify({ kind: 'harness-trusted-keys', version: 1, keys: [{ thumbprint: kim, label: 'Kim' }, { thumbprint: own, label: 'me' }] });
  await keys.getByTestId('trusted-keys-import-input').setInputFiles({ name: 'cli-keys.json', mimeType: 'application/json', buffer: Buffer.from(text) });
  await expect(keys.getByTestId('trusted-keys-note')).toHaveText('Imported 1 key from cli-keys.json for this project (1 already trusted).');
  const imported = keys.locator(`[data-testid="trusted-key"][data-thumbprint="${kim}"]`);
  await expect(imported).toContainText('Kim');
  await expect(imported).toContainText('project');

  const bad = JSON.stringify({ kind: 'harness-trusted-keys', version: 1, keys: [{ thumbprint: 'abc', label: 'typo' }] });
  await keys.getByTestId('trusted-keys-import-input').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(bad) });
  await expect(keys.getByTestId('trusted-key-error')).toHaveText('Cannot import bad.json: keys[0].thumbprint: a SHA-256 thumbprint has 64 hex digits; this has 3.');
  await expect(keys.getByTestId('trusted-key')).toHaveCount(2);
  expect(errors).toEqual([]);
});
