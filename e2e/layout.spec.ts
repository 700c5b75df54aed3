/**
 * The workspace layout: panels resize, collapse and maximise, and the layout survives a reload;
 * at 1280×720 every run view's tables fit or scroll; the first-run tour shows once.
 */
import { expect, test, type Page } from '@playwright/test';
import { openStudio, runToStop } from './helpers';

async function box(page: Page, testId: string) {
  const b = await page.getByTestId(testId).boundingBox();
  expect(b, testId).not.toBeNull();
  return b!;
}

test('resized, collapsed and maximised panels survive a reload', async ({ page }) => {
  test.setTimeout(90_000); // four page loads
  await page.setViewportSize({ width: 1280, height: 720 });
  await openStudio(page);
  const panel = page.getByTestId('run-panel');
  const before = (await panel.boundingBox())!.height;

  // Drag the run panel's splitter up by 120 px.
  const splitter = await box(page, 'run-panel-splitter');
  await page.mouse.move(splitter.x + 300, splitter.y + 2);
  await page.mouse.down();
  await page.mouse.move(splitter.x + 300, splitter.y - 60, { steps: 4 });
  await page.mouse.move(splitter.x + 300, splitter.y - 118, { steps: 4 });
  await page.mouse.up();
  const taller = (await panel.boundingBox())!.height;
  expect(taller).toBeGreaterThan(before + 100);

  // Widen the inspector with the keyboard (3 × 24 px).
  const inspectorBefore = (await box(page, 'inspector')).width;
  await page.getByTestId('inspector-splitter').focus();
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowLeft');
  const inspectorWider = (await box(page, 'inspector')).width;
  expect(inspectorWider).toBeCloseTo(inspectorBefore + 72, 0);

  // Collapse the palette: the canvas gets its room.
  await page.getByTestId('palette-toggle').click();
  await expect(page.getByTestId('palette-agent')).toHaveCount(0);
  await expect(page.getByTestId('palette-panel')).toHaveAttribute('data-collapsed', 'true');

  await page.reload();
  await expect(page.getByTestId('node-planner')).toBeVisible({ timeout: 15_000 });
  expect(Math.abs((await panel.boundingBox())!.height - taller)).toBeLessThan(2);
  expect(Math.abs((await box(page, 'inspector')).width - inspectorWider)).toBeLessThan(2);
  await expect(page.getByTestId('palette-panel')).toHaveAttribute('data-collapsed', 'true');
  await expect(page.getByTestId('palette-agent')).toHaveCount(0);

  // Double-click a tab: the run panel takes the full height below the top bar; it survives a reload.
  await page.getByTestId('run-tab-scheduler').dblclick();
  await expect(page.getByTestId('workspace')).toBeHidden();
  expect((await panel.boundingBox())!.height).toBeGreaterThan(720 - 80);
  await page.reload();
  await expect(page.getByTestId('run-panel-maximize')).toHaveAttribute('aria-pressed', 'true', { timeout: 15_000 });
  await expect(page.getByTestId('workspace')).toBeHidden();
  // Double-click again: back to its height, with the canvas.
  await page.getByTestId('run-tab-events').dblclick();
  await expect(page.getByTestId('workspace')).toBeVisible();
  await expect(page.getByTestId('run-panel-maximize')).toHaveAttribute('aria-pressed', 'false');
  expect(Math.abs((await panel.boundingBox())!.height - taller)).toBeLessThan(2);

  // Collapse the run panel to its toolbar; the palette comes back.
  await page.getByTestId('run-panel-collapse').click();
  await expect(page.getByTestId('event-log')).toHaveCount(0);
  await expect(page.getByTestId('run-button')).toBeVisible();
  expect((await panel.boundingBox())!.height).toBeLessThan(90);
  await page.getByTestId('palette-toggle').click();
  await expect(page.getByTestId('palette-agent')).toBeVisible();
  await page.reload();
  await expect(page.getByTestId('node-planner')).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId('run-panel-collapse')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('palette-agent')).toBeVisible();
  // A click on a view tab opens the panel again.
  await page.getByTestId('run-tab-events').click();
  await expect(page.getByTestId('run-panel-collapse')).toHaveAttribute('aria-pressed', 'false');
});

/**
 * Tables (and grids) in the run panel that are cut off: part of them lies outside an ancestor
 * that hides its overflow, with no scrolling ancestor in between to reach it.
 */
async function clippedTables(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const bad: string[] = [];
    const root = document.querySelector('[data-testid="run-panel"]')!;
    for (const table of root.querySelectorAll<HTMLElement>('table, [role="table"], [role="grid"]')) {
      const t = table.getBoundingClientRect();
      if (t.width === 0 || t.height === 0) continue;
      const name = table.getAttribute('data-testid') ?? table.getAttribute('aria-label') ?? table.className ?? table.tagName;
      let scrollX = false;
      let scrollY = false;
      for (let el = table.parentElement; el && el !== document.body; el = el.parentElement) {
        const cs = getComputedStyle(el);
        const r = el.getBoundingClientRect();
        const xScrolls = cs.overflowX === 'auto' || cs.overflowX === 'scroll';
        const yScrolls = cs.overflowY === 'auto' || cs.overflowY === 'scroll';
        if (!scrollX && !xScrolls && (cs.overflowX === 'hidden' || cs.overflowX === 'clip') && (t.right > r.right + 1 || t.left < r.left - 1)) bad.push(`${name}: cut off on the side by ${el.className || el.tagName} (${Math.round(t.right - r.right)} px)`);
        if (!scrollY && !yScrolls && (cs.overflowY === 'hidden' || cs.overflowY === 'clip') && t.top > r.bottom - 4) bad.push(`${name}: starts below the bottom of ${el.className || el.tagName}`);
        scrollX ||= xScrolls;
        scrollY ||= yScrolls;
      }
      if (!scrollX && t.right > window.innerWidth + 1) bad.push(`${name}: runs off the window by ${Math.round(t.right - window.innerWidth)} px with nothing to scroll it`);
    }
    return bad;
  });
}

test('at 1280×720 every run view is usable: its tables fit or scroll', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await openStudio(page);
  await runToStop(page);
  // Every view the panel has (other views may join the tab list).
  const views = (await page.getByRole('tablist', { name: 'Run views' }).getByRole('tab').evaluateAll((tabs) => tabs.map((t) => t.getAttribute('data-testid')!.replace('run-tab-', ''))));
  expect(views).toEqual(expect.arrayContaining(['events', 'scheduler', 'memory', 'permissions', 'messages', 'termination']));
  for (const view of views) {
    await page.getByTestId(`run-tab-${view}`).click();
    await expect(page.getByTestId(`run-tab-${view}`)).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByText(/^Loading the .* view…$/)).toHaveCount(0);
    await page.waitForTimeout(150); // charts and tables measure their box after the first paint
    expect(await clippedTables(page), `the ${view} view`).toEqual([]);
    // The run panel itself fits the window: nothing sticks out on the right.
    const panel = (await page.getByTestId('run-panel').boundingBox())!;
    expect(panel.x + panel.width).toBeLessThanOrEqual(1280);
    const overflow = await page.getByTestId('run-panel').evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(overflow, `the ${view} view is wider than the panel`).toBeLessThanOrEqual(1);
  }
  // The check itself sees a table cut off by a box that hides its overflow.
  await page.getByTestId('run-panel').evaluate((panel) => {
    const box = document.createElement('div');
    box.style.cssText = 'overflow: hidden; width: 100px; height: 40px';
    box.innerHTML = '<table data-testid="planted-table" style="width: 400px"><tr><td>wide</td></tr></table>';
    panel.append(box);
  });
  expect(await clippedTables(page)).toEqual([expect.stringContaining('planted-table: cut off on the side')]);
});

test.describe('first-run tour', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test('points at Run, the scrubber and the views once; dismissed, it never shows again', async ({ page }) => {
    await page.goto('/');
    const tour = page.getByTestId('first-run-tour');
    await expect(tour).toBeVisible({ timeout: 15_000 });
    await expect(tour.getByRole('dialog', { name: 'Welcome to Harness Studio' })).toContainText('Run');
    await expect(page.getByTestId('tour-marker-1')).toBeVisible();
    await expect(page.getByTestId('tour-marker-2')).toBeVisible();
    await expect(page.getByTestId('tour-marker-3')).toBeVisible();
    // Marker 1 sits on the Run button.
    const run = (await page.getByTestId('run-button').boundingBox())!;
    const marker = (await page.getByTestId('tour-marker-1').boundingBox())!;
    expect(Math.abs(marker.x + marker.width / 2 - (run.x + run.width / 2))).toBeLessThan(4);
    // The page stays usable under it: the markers take no clicks.
    await page.getByTestId('run-tab-scheduler').click();
    await expect(page.getByTestId('run-tab-scheduler')).toHaveAttribute('aria-selected', 'true');
    await page.reload();
    await expect(tour).toBeVisible({ timeout: 15_000 });
    await page.getByTestId('tour-dismiss').click();
    await expect(tour).toHaveCount(0);
    await page.reload();
    await expect(page.getByTestId('node-planner')).toBeVisible({ timeout: 15_000 });
    await expect(page.getByTestId('run-button')).toBeVisible();
    await page.waitForTimeout(300);
    await expect(tour).toHaveCount(0);
  });
});
