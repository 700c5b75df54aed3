/** The Policy view: scopes and rules as a graph, capability edges coloured by the engine; edits are document edits. */
import { expect, test } from '@playwright/test';
import { openStudio } from './helpers';

test('a deny rule added in the Policy view turns the capability red, survives a reload and undoes', async ({ page }) => {
  const errors = await openStudio(page);
  await page.getByTestId('canvas-view-policy').click();
  await expect(page.getByTestId('canvas-view-policy')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('policy-header')).toBeVisible();
  await expect(page.getByTestId('policy-agent-researcher')).toBeVisible();
  const search = page.getByTestId('policy-cap-researcher-web_search');
  await expect(search).toHaveAttribute('data-effect', 'allow');
  await expect(search).toHaveAttribute('data-rule', 'mode:auto');

  // A scope, then a rule typed into it: the parser's error shows while the matcher is incomplete.
  await page.getByTestId('policy-add-scope-level').selectOption('project');
  await page.getByTestId('policy-add-scope').click();
  await expect(page.getByTestId('policy-scope-project')).toContainText('project');
  const match = page.getByTestId('policy-new-rule-match-project');
  await match.fill('web_search(');
  await expect(page.getByTestId('policy-new-rule-error-project')).toBeVisible();
  await expect(page.getByTestId('policy-add-rule-project')).toBeDisabled();
  await match.fill('web_search');
  await expect(page.getByTestId('policy-new-rule-error-project')).toHaveCount(0);
  await page.getByTestId('policy-new-rule-effect-project').selectOption('deny');
  await page.getByTestId('policy-add-rule-project').click();

  const rule = page.getByTestId('policy-rule-deny-web_search');
  await expect(rule).toHaveAttribute('data-effect', 'deny');
  await expect(page.getByTestId('policy-rule-match-deny-web_search')).toHaveValue('web_search');
  await expect(search).toHaveAttribute('data-effect', 'deny');
  await expect(search).toHaveAttribute('data-rule', 'deny-web_search');
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved');

  await page.reload();
  await expect(page.getByTestId('node-planner')).toBeVisible({ timeout: 15_000 });
  await page.getByTestId('canvas-view-policy').click();
  await expect(rule).toBeVisible();
  await expect(search).toHaveAttribute('data-effect', 'deny');

  // The edge's label jumps to the rule that decided it.
  await expect(rule).toHaveAttribute('data-focused', 'false');
  await search.getByRole('button', { name: 'deny-web_search' }).click();
  await expect(rule).toHaveAttribute('data-focused', 'true');

  // Editing the rule is a document edit like any other: it undoes.
  await page.getByTestId('policy-rule-effect-deny-web_search').selectOption('ask');
  await expect(search).toHaveAttribute('data-effect', 'ask');
  await page.getByTestId('undo-button').click();
  await expect(search).toHaveAttribute('data-effect', 'deny');

  await page.getByTestId('canvas-view-graph').click();
  await expect(page.getByTestId('node-planner')).toBeVisible();
  expect(errors).toEqual([]);
});

test('the mode in the header decides where no rule does', async ({ page }) => {
  await openStudio(page);
  await page.getByTestId('canvas-view-policy').click();
  const notes = page.getByTestId('policy-cap-researcher-notes');
  await expect(notes).toHaveAttribute('data-effect', 'allow');
  await page.getByTestId('policy-mode').selectOption('plan');
  await expect(notes).toHaveAttribute('data-effect', 'deny');
  await expect(notes).toHaveAttribute('data-rule', 'mode:plan');
  await notes.getByRole('button', { name: 'mode:plan' }).click();
  await expect(page.getByTestId('policy-header')).toHaveAttribute('data-focused', 'true');
  await page.getByTestId('policy-taint').selectOption('ask');
  await page.getByTestId('policy-require-signed').check();
  await page.getByTestId('undo-button').click();
  await expect(page.getByTestId('policy-require-signed')).not.toBeChecked();
  await expect(page.getByTestId('policy-taint')).toHaveValue('ask');
});
