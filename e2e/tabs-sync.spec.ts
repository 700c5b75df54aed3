/**
 * Two tabs on one project: an edit in one shows in the other within a second; the conflict
 * banner is for true concurrent edits only (both tabs changed the same stored revision).
 */
import { expect, test, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from '../playwright.config';
import { openStudio } from './helpers';

// Two windows side by side, as a person keeps them: Chromium must not throttle the one behind
// (its timers run at most once a second there, and so would the test's polling of it).
test.use({ launchOptions: { executablePath: findChromium(), args: [...CHROMIUM_ARGS, '--disable-background-timer-throttling', '--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows'] } });
test.setTimeout(60_000);

const nameField = (page: Page) => page.getByTestId('field-harness-name');
/** Types in a tab as a person would: that tab comes to the front first. */
async function rename(page: Page, name: string): Promise<void> {
  await page.bringToFront();
  await nameField(page).fill(name);
}
const saved = (page: Page) => expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved');

test('an edit in one tab shows in the other within a second, both ways, with no conflict', async ({ page, context }) => {
  await openStudio(page);
  const other = await context.newPage();
  await other.goto('/');
  await expect(other.getByTestId('node-planner')).toBeVisible({ timeout: 15_000 });
  await saved(other);

  await rename(page, 'Research team, edited here');
  await saved(page);
  // Stored in the first tab: the second shows it within a second, with nothing to save itself.
  await expect(nameField(other)).toHaveValue('Research team, edited here', { timeout: 1000 });
  await expect(other.getByTestId('save-status')).toHaveAttribute('data-status', 'saved');

  // The other tab is now based on that revision: its own edit saves without a conflict and comes back.
  await rename(other, 'Research team, edited there');
  await saved(other);
  await expect(nameField(page)).toHaveValue('Research team, edited there', { timeout: 1000 });
  await expect(page.getByTestId('conflict-banner')).toHaveCount(0);
  await expect(other.getByTestId('conflict-banner')).toHaveCount(0);
  // A change from another tab is undoable here like an edit.
  await page.bringToFront();
  await page.getByTestId('undo-button').click();
  await expect(nameField(page)).toHaveValue('Research team, edited here');
});

test('edits made in both tabs on the same revision show the conflict banner in the tab that saved second', async ({ page, context }) => {
  // The tabs' clock (one per browser context) is held while both type, so both edits wait unsaved
  // (the autosave waits 400 ms) on the same stored revision, whatever the machine's load.
  await context.clock.install();
  await openStudio(page);
  const other = await context.newPage();
  await other.goto('/');
  await expect(other.getByTestId('node-planner')).toBeVisible({ timeout: 15_000 });
  await saved(other);
  await page.clock.pauseAt(Date.now() + 60_000);

  // force: a background tab draws no frames for Playwright's stability wait.
  await nameField(page).fill('Mine', { force: true });
  await nameField(other).fill('Theirs', { force: true });
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'unsaved');
  await expect(other.getByTestId('save-status')).toHaveAttribute('data-status', 'unsaved');
  await page.clock.runFor(1000);
  const banners = [page.getByTestId('conflict-banner'), other.getByTestId('conflict-banner')];
  await expect.poll(async () => (await banners[0]!.count()) + (await banners[1]!.count()), { timeout: 10_000 }).toBe(1);
  // The tab that saved second keeps its text and offers the two ways out; the other kept what it stored.
  const [loser, winner] = (await banners[0]!.count()) === 1 ? [page, other] : [other, page];
  await expect(winner.getByTestId('save-status')).toHaveAttribute('data-status', 'saved');
  const kept = await nameField(winner).inputValue();
  await loser.bringToFront();
  await loser.getByTestId('reload-theirs-button').click();
  await expect(nameField(loser)).toHaveValue(kept);
  await expect(loser.getByTestId('conflict-banner')).toHaveCount(0);
});
