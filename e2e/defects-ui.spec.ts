/**
 * What a new user hit in the studio (issue 10): each test walks the path that showed the defect
 * and checks what a person sees there.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { openStudio, runToStop } from './helpers';

async function openExample(page: Page, id: string, node: string): Promise<void> {
  await page.getByTestId('projects-button').click();
  await page.getByTestId(`example-${id}`).click();
  await expect(page.getByTestId(`node-${node}`)).toBeVisible();
}

/** The element really under the centre of a locator's box is it (or inside it): nothing covers or clips it. */
async function reachable(target: Locator): Promise<boolean> {
  return target.evaluate((el) => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.bottom > innerHeight || r.right > innerWidth || r.top < 0 || r.left < 0) return false;
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return hit !== null && (hit === el || el.contains(hit));
  });
}

test('4: the Memory tab is styled on a fresh page, without opening the Scheduler first', async ({ page }) => {
  await openStudio(page);
  await openExample(page, 'paging', 'assistant');
  await runToStop(page);
  // The run panel's tabs are styled before any view has loaded.
  await expect(page.getByTestId('run-tab-memory')).toHaveCSS('border-top-width', '0px');
  await page.getByTestId('run-tab-memory').click();
  const list = page.getByTestId('memory-events');
  await expect(list.locator('li').first()).toBeVisible();
  await expect(list).toHaveCSS('list-style-type', 'none');
  const entry = list.locator('button').first();
  await expect(entry).toHaveCSS('display', 'flex');
  await expect(entry).toHaveCSS('border-top-width', '0px');
  await expect(entry.locator('.rp-text').first()).toHaveCSS('text-overflow', 'ellipsis');
});

test('5: selecting another node opens its form at the top', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await openStudio(page);
  await page.getByTestId('node-planner').click();
  const scroll = page.getByTestId('inspector').locator('.hs-inspector__scroll');
  await scroll.evaluate((el) => el.scrollTo(0, el.scrollHeight));
  expect(await scroll.evaluate((el) => el.scrollTop)).toBeGreaterThan(200);
  await page.getByTestId('node-researcher').click();
  await expect(page.getByTestId('inspector-agent')).toContainText('researcher');
  await expect.poll(() => scroll.evaluate((el) => el.scrollTop)).toBe(0);
  expect(await reachable(page.getByTestId('field-name'))).toBe(true);
  expect(await reachable(page.getByTestId('field-model'))).toBe(true);
});

test('7: a tool breakpoint pauses once per call, at the call; Step reaches its decision', async ({ page }) => {
  await openStudio(page);
  await page.getByTestId('breakpoint-kind').selectOption('tool');
  await page.getByTestId('breakpoint-value').fill('web_search');
  await page.getByTestId('breakpoint-add').click();
  const paused = page.locator('[data-testid="event-row"][aria-selected="true"]');
  const calls: string[] = [];
  await page.getByTestId('run-button').click();
  for (let i = 0; i < 6; i++) {
    await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', /paused|stopped/, { timeout: 15_000 });
    if ((await page.getByTestId('run-status').getAttribute('data-status')) === 'stopped') break;
    await expect(paused.locator('.rp-type')).toHaveText('tool.called');
    calls.push(await paused.innerText());
    if (i === 0) {
      // The call's other events are one Step away, not another breakpoint hit.
      await page.getByTestId('step-event-button').click();
      await expect(paused.locator('.rp-type')).toHaveText(/tool\.(allowed|denied|asked)/);
    }
    await page.getByTestId('run-button').click();
  }
  expect(calls.length).toBeGreaterThan(0);
  expect(new Set(calls).size).toBe(calls.length);
});

test('8: the approval prompt is fully usable at 1280×720', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await openStudio(page);
  await openExample(page, 'approvals', 'writer');
  await page.getByTestId('run-button').click();
  const prompt = page.getByTestId('approval-prompt');
  await expect(prompt).toBeVisible({ timeout: 15_000 });
  for (const id of ['approval-approve', 'approval-remember', 'approval-deny']) {
    expect(await reachable(prompt.getByTestId(id)), `${id} is on screen and not covered or clipped`).toBe(true);
  }
  // Clicking Approve answers this call: its card goes (the run goes on, perhaps to the next ask).
  const callId = await prompt.getAttribute('data-call-id');
  await prompt.getByTestId('approval-approve').click({ timeout: 1000 });
  await expect(page.locator(`[data-testid="approval-prompt"][data-call-id="${callId}"]`)).toHaveCount(0, { timeout: 15_000 });
});

test('9: import banners replace each other and go away; re-importing a name says so and offers replace or keep both', async ({ page }) => {
  await openStudio(page);
  const broken = (n: number) => ({ name: `broken-${n}.json`, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ version: 1, name: `Broken ${n}`, agents: [{ id: 'a' }] })) });
  await page.getByTestId('import-input').setInputFiles(broken(1));
  await expect(page.getByTestId('project-name')).toHaveValue('Broken 1');
  await page.getByTestId('import-input').setInputFiles(broken(2));
  await expect(page.getByTestId('project-name')).toHaveValue('Broken 2');
  // One import, one banner: the second import's result replaces the first's.
  await expect(page.getByTestId('notice')).toHaveCount(1);
  await expect(page.getByTestId('notice')).toContainText('broken-2.json');
  // It belongs to the project it describes: opening another project takes it away.
  await page.getByTestId('projects-button').click();
  await page.locator('[data-testid="project-row"]').filter({ hasText: 'Research team' }).getByTestId('project-open').click();
  await expect(page.getByTestId('project-name')).toHaveValue('Research team');
  await expect(page.getByTestId('notice')).toHaveCount(0);

  // Re-importing "Broken 1" (same name as a stored project) asks first, and keeps both on request.
  await page.getByTestId('import-input').setInputFiles(broken(1));
  const ask = page.getByTestId('notice').filter({ hasText: 'already' });
  await expect(ask).toContainText('Broken 1');
  await ask.getByRole('button', { name: /keep both/i }).click();
  await expect(page.getByTestId('project-name')).toHaveValue('Broken 1 (2)');
  // And replaces on request: still one project of that name, holding the file's document.
  const replacement = { name: 'broken-1.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ version: 1, name: 'Broken 1', description: 'replaced', agents: [] })) };
  await page.getByTestId('import-input').setInputFiles(replacement);
  await page.getByTestId('notice').filter({ hasText: 'already' }).getByRole('button', { name: /replace/i }).click();
  await expect(page.getByTestId('project-name')).toHaveValue('Broken 1');
  await page.getByTestId('projects-button').click();
  const names = await page.locator('.hs-projects__name').allInnerTexts();
  expect(names.filter((n) => n === 'Broken 1')).toHaveLength(1);
  expect(names.filter((n) => n === 'Broken 1 (2)')).toHaveLength(1);
  await page.keyboard.press('Escape');
  await expect(page.getByLabel('Description')).toHaveValue('replaced');
});

test('10: nodes added from the palette land apart, in free space near the middle of the view', async ({ page }) => {
  await openStudio(page);
  const canvas = await page.getByTestId('canvas').boundingBox();
  for (let i = 0; i < 4; i++) await page.getByTestId('palette-tool').click();
  await expect(page.locator('.react-flow__node')).toHaveCount(11);
  const boxes = await page.locator('.react-flow__node').evaluateAll((els) => els.map((el) => {
    const r = el.getBoundingClientRect();
    return { id: el.getAttribute('data-id'), left: r.left, top: r.top, right: r.right, bottom: r.bottom };
  }));
  const overlap = (a: (typeof boxes)[0], b: (typeof boxes)[0]) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const added = boxes.filter((b) => /^tool/.test(b.id ?? '') && b.id !== 'web_search');
  expect(added).toHaveLength(4);
  for (const a of added) {
    for (const b of boxes) if (a !== b) expect(overlap(a, b), `${a.id} overlaps ${b.id}`).toBe(false);
    // Still in view.
    expect(a.left).toBeGreaterThanOrEqual(canvas!.x);
    expect(a.right).toBeLessThanOrEqual(canvas!.x + canvas!.width);
    expect(a.top).toBeGreaterThanOrEqual(canvas!.y);
    expect(a.bottom).toBeLessThanOrEqual(canvas!.y + canvas!.height);
  }
});

test('11: function keys typed into a field or Monaco stay there', async ({ page }) => {
  await openStudio(page);
  await page.getByTestId('project-name').focus();
  await page.keyboard.press('F8');
  await page.keyboard.press('F10');
  await page.getByTestId('node-planner').click();
  await page.getByTestId('field-name').focus();
  await page.keyboard.press('F8');
  const monaco = page.getByTestId('entity-json').locator('.monaco-editor .view-lines');
  await expect(monaco).toBeVisible({ timeout: 15_000 });
  await monaco.click();
  await expect(page.getByTestId('entity-json').locator('.monaco-editor textarea')).toBeFocused();
  await page.keyboard.press('F8');
  await page.keyboard.press('Shift+F10');
  await page.waitForTimeout(500);
  await expect(page.getByTestId('run-item')).toHaveCount(0);
  // Elsewhere the keys still drive the debugger.
  await page.getByTestId('canvas').click({ position: { x: 5, y: 300 } });
  await page.keyboard.press('F8');
  await expect(page.getByTestId('run-item')).toHaveCount(1);
});

test('12: a completed run wears a success badge, not the failure red', async ({ page }) => {
  await openStudio(page);
  await runToStop(page);
  await expect(page.getByTestId('stop-reason')).toHaveAttribute('data-reason', 'completed');
  for (const badge of [page.getByTestId('run-status'), page.getByTestId('run-item').locator('.rp-badge')]) {
    const [r, g] = await badge.evaluate((el) => getComputedStyle(el).backgroundColor.match(/\d+/g)!.map(Number));
    expect(g!, 'green over red').toBeGreaterThan(r!);
  }
});

test('12: the retention-per-edge table fits its column', async ({ page }) => {
  await openStudio(page);
  await openExample(page, 'delegation', 'client_t');
  await runToStop(page);
  await page.getByTestId('run-tab-messages').click();
  const table = page.getByTestId('retention-table');
  await expect(table).toBeVisible();
  const [table_, box] = await table.evaluate((el) => [el.scrollWidth, el.parentElement!.clientWidth]);
  expect(table_).toBeLessThanOrEqual(box!);
});

test('12: policy-view text is readable (≥ 11 px on screen) on the biggest example', async ({ page }) => {
  await openStudio(page);
  await openExample(page, 'contention', 'monitor');
  await page.getByTestId('canvas-view-policy').click();
  await expect(page.getByTestId('policy-view').locator('.hs-pol-node').first()).toBeVisible();
  await page.waitForTimeout(300);
  const smallest = await page.getByTestId('policy-view').evaluate((view) => {
    let min = Infinity;
    for (const el of view.querySelectorAll('.react-flow__node *')) {
      if (![...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim() !== '')) continue;
      const node = el.closest('.react-flow__node') as HTMLElement;
      const scale = node.getBoundingClientRect().width / node.offsetWidth;
      min = Math.min(min, parseFloat(getComputedStyle(el).fontSize) * scale);
    }
    return min;
  });
  expect(smallest).toBeGreaterThanOrEqual(11);
});

test('12: a project whose file is not JSON keeps its name in the inspector', async ({ page }) => {
  await openStudio(page);
  await page.getByTestId('import-input').setInputFiles({ name: 'notes.harness.json', mimeType: 'application/json', buffer: Buffer.from('{ "name": "x", oops') });
  await expect(page.getByTestId('project-name')).toHaveValue('notes');
  await expect(page.getByTestId('inspector-document').locator('.hs-inspector__title')).toHaveText('notes');
});

test('12: the Paging example’s Memory tab opens on the agent whose memory the run is about', async ({ page }) => {
  await openStudio(page);
  await openExample(page, 'paging', 'assistant');
  await runToStop(page);
  await page.getByTestId('run-tab-memory').click();
  await expect(page.getByTestId('memory-agent')).toHaveValue('assistant');
  await expect(page.getByTestId('memory-events').locator('li').first()).toBeVisible();
});

test('12: as the README says, a fork is made paused at its event, and Run continues it', async ({ page }) => {
  await openStudio(page);
  await runToStop(page);
  await page.getByTestId('scrubber').fill('30');
  await page.keyboard.press('Shift+F9');
  await expect(page.getByTestId('run-item')).toHaveCount(2);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'paused');
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'stopped', { timeout: 15_000 });
});
