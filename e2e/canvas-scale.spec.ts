/**
 * A big document stays usable: a 1,000-node import is drawn as an overview at once, picks and
 * zooms like a small one, and auto-layout runs in a worker with progress and a Cancel while the
 * page keeps answering. Correctness only; how fast is for `npm run bench` (scale group).
 */
import { writeFileSync } from 'node:fs';
import { expect, test, type Page, type Route } from '@playwright/test';
import { scaleCanvasDoc } from '../bench/scaleCanvasDoc';
import { openStudio } from './helpers';

test.describe.configure({ timeout: 90_000 });

async function importThousand(page: Page, outputPath: string): Promise<void> {
  writeFileSync(outputPath, JSON.stringify(scaleCanvasDoc(1000, 'Thousand nodes')));
  await page.getByTestId('import-input').setInputFiles(outputPath);
  await expect(page.getByTestId('project-name')).toHaveValue('Thousand nodes', { timeout: 30_000 });
  await expect(page.getByTestId('far-view')).toHaveAttribute('data-nodes', '1000', { timeout: 30_000 });
}

/** Where the centre of a node drawn in the overview is on screen (from the path of its kind). */
async function overviewPoint(page: Page, kind: string, index: number): Promise<{ x: number; y: number }> {
  return page.evaluate(
    ([k, i]) => {
      const path = document.querySelector<SVGPathElement>(`[data-testid="far-view"] .hs-far__node--${k}`)!;
      const rects = [...path.getAttribute('d')!.matchAll(/M(-?\d+) (-?\d+)h(\d+)v(\d+)/g)];
      const [, x, y, w, h] = rects[i]!.map(Number) as [number, number, number, number, number];
      const svg = path.ownerSVGElement!;
      const p = new DOMPoint(x + w / 2, y + h / 2).matrixTransform(svg.getScreenCTM()!);
      return { x: p.x, y: p.y };
    },
    [kind, index] as const,
  );
}

test('a 1,000-node document shows as an overview; a click picks a node, zoomed in the nodes are the usual ones', async ({ page }, info) => {
  const errors = await openStudio(page);
  await importThousand(page, info.outputPath('thousand.json'));
  // Nothing picked: the document's inspector, with its JSON editor on request at this size.
  await expect(page.getByTestId('document-json-open')).toBeVisible();

  const at = await overviewPoint(page, 'agent', 0);
  await page.mouse.click(at.x, at.y);
  await expect(page.getByTestId('inspector-agent')).toBeVisible();
  await expect(page.getByTestId('field-name')).toHaveValue('Agent 0');
  await expect(page.getByTestId('far-selected')).toBeVisible();

  // Zoomed in on it, the nodes around are the editor's node components again.
  await page.mouse.move(at.x, at.y);
  for (let i = 0; i < 12 && (await page.getByTestId('far-view').count()) > 0; i++) await page.mouse.wheel(0, -400);
  await expect(page.getByTestId('far-view')).toHaveCount(0);
  await expect(page.getByTestId('node-agent-0')).toBeVisible();
  await expect(page.getByTestId('node-agent-0')).toHaveClass(/is-selected/);
  await page.getByTestId('node-agent-1').click();
  await expect(page.getByTestId('field-name')).toHaveValue('Agent 1');
  expect(errors).toEqual([]);
});

test('auto-layout of 1,000 nodes shows progress, the page answers meanwhile, Cancel changes nothing; run through it is one undoable change', async ({ page }, info) => {
  await openStudio(page);
  await importThousand(page, info.outputPath('thousand.json'));
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-status', 'saved');
  const undo = page.getByTestId('undo-button');
  await expect(undo).toBeDisabled();
  const drawing = () => page.getByTestId('far-view').locator('.hs-far__node--agent').getAttribute('d');
  const before = await drawing();

  // Hold the layout worker's script until released, so the layout is under way for as long as the test needs.
  const held: Route[] = [];
  await page.route(/layout\.worker[^/]*\.js/, (route) => void held.push(route));
  await page.getByTestId('auto-layout-button').click();
  await expect(page.getByTestId('auto-layout-progress')).toBeVisible();
  await expect.poll(() => held.length).toBeGreaterThan(0);
  // The page answers meanwhile: a node can be picked and inspected.
  const at = await overviewPoint(page, 'agent', 3);
  await page.mouse.click(at.x, at.y);
  await expect(page.getByTestId('field-name')).toHaveValue('Agent 3');
  await page.getByTestId('auto-layout-cancel').click();
  await expect(page.getByTestId('auto-layout-progress')).toHaveCount(0);
  await expect(page.getByTestId('auto-layout-button')).toBeVisible();
  for (const route of held.splice(0)) await route.continue().catch(() => undefined);
  expect(await drawing()).toBe(before);
  await expect(undo).toBeDisabled();

  // Run through: new positions, one undoable change, and Undo puts every node back.
  await page.unroute(/layout\.worker[^/]*\.js/);
  await page.getByTestId('auto-layout-button').click();
  await expect(page.getByTestId('auto-layout-progress')).toHaveCount(0, { timeout: 30_000 });
  await expect(undo).toHaveAttribute('aria-label', 'Undo Auto-layout');
  await expect(page.getByTestId('far-view')).toBeVisible();
  expect(await drawing()).not.toBe(before);
  await undo.click();
  await expect.poll(drawing).toBe(before);
});
