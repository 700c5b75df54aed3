/**
 * What a new user trips on at 1280×720, found by walking the studio as one: a run's buttons
 * that the runs column clipped, and similar defects, each checked as the person meets it.
 */
import { expect, test, type Locator } from '@playwright/test';
import { openStudio, runToStop } from './helpers';

test.use({ viewport: { width: 1280, height: 720 } });

async function box(l: Locator): Promise<{ left: number; right: number; top: number; bottom: number }> {
  const b = await l.boundingBox();
  expect(b, 'element has a box').not.toBeNull();
  return { left: b!.x, right: b!.x + b!.width, top: b!.y, bottom: b!.y + b!.height };
}

test('every button of a run in the runs list is inside the runs column, Delete included', async ({ page }) => {
  const errors = await openStudio(page);
  await runToStop(page);
  const column = await box(page.getByTestId('runs-scroll'));
  const item = page.getByTestId('run-item').first();
  for (const id of ['run-rename', 'run-pin', 'run-export-trace', 'run-delete']) {
    const b = await box(item.getByTestId(id));
    expect(b.right, `${id} right edge`).toBeLessThanOrEqual(column.right);
    expect(b.left, `${id} left edge`).toBeGreaterThanOrEqual(column.left);
  }
  expect(errors).toEqual([]);
});
