/** What the document status and the Problems list say about a document with problems. */
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { openStudio } from './helpers';

const example = () => JSON.parse(readFileSync('public/examples/research-team.json', 'utf8'));

test('one pass shows every problem: a channel without id hides neither the unknown model nor the dangling "to"', async ({ page }, info) => {
  await openStudio(page);
  const doc = example();
  doc.name = 'Three problems';
  delete doc.channels[0].id;
  doc.channels[1].to = 'ghost';
  doc.agents[0].model = 'gpt-9';
  const file = info.outputPath('three-problems.json');
  writeFileSync(file, JSON.stringify(doc));
  await page.getByTestId('import-input').setInputFiles(file);
  await expect(page.getByTestId('project-name')).toHaveValue('Three problems');
  await expect(page.getByTestId('problem-count')).toHaveText('3');
  const items = page.getByTestId('problem-item');
  await expect(items.filter({ hasText: 'channels[0].id' })).toHaveCount(1);
  await expect(items.filter({ hasText: 'gpt-9' })).toHaveCount(1);
  await expect(items.filter({ hasText: 'ghost' })).toHaveCount(1);
  await expect(page.getByTestId('issue-count')).toHaveText('3 problems');
});

test('a model the studio cannot run says so before Run, and Run explains what is missing instead of starting', async ({ page }, info) => {
  await openStudio(page);
  const doc = example();
  doc.name = 'On OpenAI';
  doc.models[0].provider = 'openai';
  const file = info.outputPath('openai.json');
  writeFileSync(file, JSON.stringify(doc));
  await page.getByTestId('import-input').setInputFiles(file);
  await expect(page.getByTestId('project-name')).toHaveValue('On OpenAI');
  await expect(page.getByTestId('issue-count')).toHaveText('Valid · cannot run here');
  await expect(page.getByTestId('problem-item')).toContainText('model "sim-small" uses provider "openai", which cannot run here');

  await page.getByTestId('node-sim-small').click();
  const provider = page.getByTestId('field-provider');
  await expect(provider).toHaveValue('openai');
  await expect(provider.locator('option')).toHaveText(['sim (default)', 'openai (needs an endpoint)', 'openai-compatible (needs an endpoint)', 'anthropic (needs an endpoint)']);
  await expect(page.getByTestId('inspector-model').getByTestId('field-issues').first()).toContainText('no openai endpoint is available');
  await expect(page.getByText(/API keys live in settings/)).toHaveCount(0);

  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('start-issues')).toContainText('model "sim-small" uses provider "openai"');
  await expect(page.getByTestId('run-item')).toHaveCount(0);

  // Back on sim, the document is plainly valid and runs.
  await provider.selectOption({ label: 'sim (default)' });
  await expect(page.getByTestId('issue-count')).toHaveText('Valid');
});

test('a run whose jobs all failed shows an error, and Termination names the cause and cites each job.failed', async ({ page }, info) => {
  await openStudio(page);
  const doc = example();
  doc.name = 'Every job fails';
  // Write access to a read-only knowledge store: every job is refused when it is created.
  for (const agent of doc.agents) agent.capabilities = [{ target: 'corpus', access: 'write' }];
  const file = info.outputPath('failing.json');
  writeFileSync(file, JSON.stringify(doc));
  await page.getByTestId('import-input').setInputFiles(file);
  await expect(page.getByTestId('project-name')).toHaveValue('Every job fails');
  await expect(page.getByTestId('issue-count')).toHaveText('Valid');

  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'stopped', { timeout: 15_000 });
  const failed = page.getByTestId('run-failed');
  await expect(failed).toBeVisible();
  await expect(failed).toContainText('every job failed (3 of 3)');
  await expect(failed).toContainText('knowledge stores are read-only');

  await failed.getByRole('button', { name: /why/i }).click();
  await expect(page.getByTestId('stop-reason')).toHaveAttribute('data-reason', 'jobs-failed');
  await expect(page.getByTestId('stop-reason')).toContainText('Jobs failed');
  const evidence = page.getByTestId('stop-evidence').locator('[data-testid^="evidence-"]');
  await expect(evidence).toHaveCount(3);
  for (const agent of ['planner', 'researcher', 'writer']) await expect(evidence.filter({ hasText: 'job.failed' }).filter({ hasText: agent })).toHaveCount(1);
  await expect(page.getByText('The stop cites no events.')).toHaveCount(0);
});
