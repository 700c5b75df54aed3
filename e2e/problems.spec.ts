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
