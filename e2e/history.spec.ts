/** The document history: revisions with what each changed, and restoring one as a new, undoable revision. */
import { expect, test } from '@playwright/test';
import { openStudio } from './helpers';

test('shows each revision\'s diff and restores an older one as a new revision, undoably', async ({ page }) => {
  await openStudio(page);
  const name = page.getByTestId('field-harness-name');
  const saved = () => expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved');
  await name.fill('First rename');
  await saved();
  await page.waitForTimeout(1600); // a later edit of the same field within 1.5 s merges into one undo step
  await name.fill('Second rename');
  await saved();

  await page.getByTestId('history-button').click();
  const dialog = page.getByTestId('history-dialog');
  const revs = dialog.getByTestId('history-rev');
  await expect(revs).toHaveCount(3);
  await expect(revs.first()).toHaveAttribute('data-rev', '3');
  await expect(revs.first()).toContainText('current');
  // The newest revision against the one before it: one line out, one line in.
  const diff = dialog.getByTestId('history-diff');
  await expect(diff).toContainText('+1 −1');
  await expect(diff.locator('[data-kind="del"]')).toHaveText(['−   "name": "First rename",']);
  await expect(diff.locator('[data-kind="add"]')).toHaveText(['+   "name": "Second rename",']);
  await expect(dialog.getByTestId('history-restore')).toBeDisabled();

  // Revision 1, the example as created, restored.
  await revs.last().click();
  await expect(diff).toContainText('the first kept');
  await dialog.getByTestId('history-restore').click();
  await expect(dialog).toHaveCount(0);
  await expect(name).toHaveValue('Research team');
  await saved();
  await page.getByTestId('history-button').click();
  await expect(revs).toHaveCount(4);
  await expect(revs.first()).toHaveAttribute('data-rev', '4');
  await expect(diff.locator('[data-kind="add"]')).toHaveText(['+   "name": "Research team",']);
  await page.keyboard.press('Escape');
  // Restoring is an edit like any other: undo brings the second rename back (and saves it as revision 5).
  await page.getByTestId('undo-button').click();
  await expect(name).toHaveValue('Second rename');
  await saved();
  await page.getByTestId('history-button').click();
  await expect(revs.first()).toHaveAttribute('data-rev', '5');
});
