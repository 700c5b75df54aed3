/** Provenance as a user meets it: who, with what model and by whose authority each change was made, reviewed by a person, exported as an attestation. */
import { createHash } from 'node:crypto';
import { expect, test, type Download, type Page } from '@playwright/test';
import { openStudio } from './helpers';

async function openExample(page: Page, id: string, node: string): Promise<void> {
  await page.getByTestId('projects-button').click();
  await page.getByTestId(`example-${id}`).click();
  await expect(page.getByTestId(`node-${node}`)).toBeVisible();
}

async function downloaded(download: Promise<Download>): Promise<{ name: string; text: string }> {
  const d = await download;
  const stream = await d.createReadStream();
  return { name: d.suggestedFilename(), text: Buffer.concat(await stream.toArray()).toString('utf8') };
}

// Room for the audit table below an open approval prompt.
test.use({ viewport: { width: 1600, height: 1300 } });

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

test('Approvals: a person approves the write, then approves the change; the audit table filters by it; the history shows the chain; the attestation downloads', async ({ page }) => {
  const errors = await openStudio(page);
  await openExample(page, 'approvals', 'writer');
  await page.getByTestId('run-button').click();

  // The first write asks; approve it once (not remembered), so the second write asks again and the run stays live.
  const prompt = page.getByTestId('approval-prompt');
  await expect(prompt).toBeVisible({ timeout: 15_000 });
  await page.getByTestId('approval-approve').click();
  await expect(prompt).toBeVisible({ timeout: 15_000 });
  await expect(prompt).toContainText('Second draft.');

  await page.getByTestId('run-tab-permissions').click();
  const table = page.getByTestId('audit-table');
  const write = table.locator('[data-testid^="audit-row-"]').filter({ hasText: 'fs_write' }).filter({ hasText: 'approved' });
  await expect(write).toHaveCount(1);
  await expect(write.locator('[data-testid^="audit-model-"]')).toHaveText('sim · Sim · harness-sim/1');
  await expect(write.locator('[data-testid^="audit-authority-"]')).toContainText('a human');
  // The person approves the change as it is: a review recorded in the run.
  const review = write.locator('[data-testid^="audit-review-"]');
  await expect(review).toHaveAttribute('data-status', 'unreviewed');
  await write.locator('[data-testid^="audit-approve-"]').click();
  await expect(review).toHaveAttribute('data-status', 'approved');
  await expect(review).toHaveText('approved by a person');

  // Filters: approved by a person (authority), and approved on review.
  const rows = table.locator('[data-testid^="audit-row-"]');
  const all = await rows.count();
  expect(all).toBeGreaterThan(2);
  await page.getByTestId('audit-filter-review').selectOption('approved');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('fs_write');
  await page.getByTestId('audit-filter-review').selectOption('');
  await page.getByTestId('audit-filter-authority').selectOption('person');
  await expect(rows).toHaveCount(1);
  await page.getByTestId('audit-filter-agent').selectOption('researcher');
  await expect(rows).toHaveCount(0);
  await page.getByTestId('audit-filter-agent').selectOption('');

  // The second write: approved too; the run completes and both writes were approved by a person.
  await page.getByTestId('approval-approve').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'stopped', { timeout: 15_000 });
  await expect(rows).toHaveCount(2);
  await page.getByTestId('audit-filter-model').selectOption({ index: 1 });
  await expect(rows).toHaveCount(2);

  // The history of what the writer wrote: two versions, each with who, model, authority and inputs.
  await page.getByTestId('run-tab-events').click();
  const report = page.locator('[data-testid="artifact"][data-name="/workspace/report.md"]');
  await expect(report).toBeVisible();
  await report.getByTestId('artifact-history-toggle').click();
  const versions = report.getByTestId('artifact-version');
  await expect(versions).toHaveCount(2);
  await expect(versions.nth(0)).toHaveAttribute('data-status', 'approved');
  await expect(versions.nth(0)).toContainText('by writer');
  await expect(versions.nth(0)).toContainText('model sim · Sim · harness-sim/1');
  await expect(versions.nth(0).getByTestId('artifact-version-authority')).toContainText('approved by a person at #');
  await expect(versions.nth(0)).toContainText('inputs system, agent:writer');
  await expect(versions.nth(1)).toHaveAttribute('data-status', 'unreviewed');

  const { name, text } = await downloaded(Promise.all([page.waitForEvent('download'), report.getByTestId('artifact-attestation').click()]).then(([d]) => d));
  expect(name).toBe('workspace-report.md.provenance.json');
  const st = JSON.parse(text) as { _type: string; subject: { name: string; digest: { sha256: string } }[]; predicateType: string; predicate: { chain: { authority: { approvedByPerson: unknown }; review: { status: string } }[] } };
  expect(st._type).toBe('https://in-toto.io/Statement/v1');
  expect(st.subject).toEqual([{ name: '/workspace/report.md', digest: { sha256: sha256('Second draft.') } }]);
  expect(st.predicateType).toMatch(/^https:\/\//);
  expect(st.predicate.chain).toHaveLength(2);
  expect(st.predicate.chain.map((c) => c.review.status)).toEqual(['approved', 'unreviewed']);
  expect(st.predicate.chain.every((c) => c.authority.approvedByPerson !== null)).toBe(true);
  expect(errors).toEqual([]);
});
