/**
 * Traces in and out: a run exported as JSONL (gzipped) and dropped back opens as a stored run
 * with the same trace hash; a trace the CLI wrote opens too; a broken file says where and what.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { openStudio, runToStop } from './helpers';

async function drop(page: Page, name: string, bytes: Buffer): Promise<void> {
  const dt = await page.evaluateHandle(
    ({ name, b64 }) => {
      const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([data], name));
      return transfer;
    },
    { name, b64: bytes.toString('base64') },
  );
  await page.dispatchEvent('main', 'dragenter', { dataTransfer: dt });
  await page.dispatchEvent('main', 'drop', { dataTransfer: dt });
}

const traceNotice = (page: Page) => page.getByTestId('notice').filter({ hasText: /^Opened |is not a trace|not a valid gzip/ });

test('an exported run (JSONL, gzipped) dropped back opens with the same trace hash', async ({ page }) => {
  await openStudio(page);
  await runToStop(page);
  const hashChip = page.getByTestId('run-trace-hash');
  await expect(hashChip).toHaveAttribute('data-hash', /^[0-9a-f]{16}$/);
  const hash = (await hashChip.getAttribute('data-hash'))!;
  await expect(hashChip).toHaveText(`#${hash.slice(0, 8)}`);

  await page.getByTestId('run-export-gzip').check();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('run-export-jsonl').click()]);
  expect(download.suggestedFilename()).toMatch(/^Research-team-[0-9a-f]{8}\.jsonl\.gz$/);
  const bytes = readFileSync((await download.path())!);
  expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);

  await drop(page, download.suggestedFilename(), bytes);
  await expect(traceNotice(page)).toContainText(`trace hash ${hash}`);
  await expect(traceNotice(page)).toContainText('It ran this project’s document');
  // The opened run is another stored run of the project, selected, stopped, with the same hash.
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'stopped');
  await expect(hashChip).toHaveAttribute('data-hash', hash);
  await expect(page.getByTestId('run-item')).toHaveCount(2);
  await expect(page.getByTestId('cursor-readout')).toContainText('96 / 96');
});

test('a trace written by the CLI opens in the studio with the CLI\'s trace hash', async ({ page }) => {
  test.setTimeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'hs-trace-'));
  const file = join(dir, 'research-seed-1.jsonl');
  const out = execFileSync(process.execPath, ['scripts/run-ts.mjs', 'src/cli/main.ts', 'run', 'public/examples/research-team.json', '--seed', '1', '--trace', file], { encoding: 'utf8', timeout: 100_000 });
  const cliHash = /trace hash ([0-9a-f]{16})/.exec(out)?.[1];
  expect(cliHash, out).toBeDefined();

  await openStudio(page);
  await drop(page, 'research-seed-1.jsonl', readFileSync(file));
  await expect(traceNotice(page)).toContainText(`trace hash ${cliHash}`);
  await expect(page.getByTestId('run-trace-hash')).toHaveAttribute('data-hash', cliHash!);
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'stopped');
  // Its events read like any run's: the event log lists them up to its stop.
  await expect(page.locator('[data-testid="event-row"][aria-selected="true"]')).toContainText('run.stopped');
  // The studio's own run of the same document and seed has the same hash.
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('run-status')).toHaveAttribute('data-status', 'stopped', { timeout: 15_000 });
  await expect(page.getByTestId('run-trace-hash')).toHaveAttribute('data-hash', cliHash!);
});

test('a broken trace file is refused with the line and what is wrong', async ({ page }) => {
  await openStudio(page);
  const lines = ['{"seq":0,"t":0,"run":"x","type":"run.started","seed":1,"harness":"H","specHash":"0","agents":[],"models":{},"stores":{},"groups":[],"sched":{}}', '{"seq":1,"t":0,'];
  await drop(page, 'broken.jsonl', Buffer.from(lines.join('\n')));
  const notice = page.getByTestId('notice').filter({ hasText: 'broken.jsonl' });
  await expect(notice).toContainText('broken.jsonl is not a trace: line 2: not valid JSON');
  await drop(page, 'broken.jsonl.gz', Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3, 4]));
  await expect(page.getByTestId('notice').filter({ hasText: 'broken.jsonl.gz' })).toContainText('is not a valid gzip file');
  // Nothing was stored.
  await expect(page.getByTestId('run-item')).toHaveCount(0);
});

test('a downloaded trace withholds what the document\'s allocator classes keep out of files, as harness run --trace does', async ({ page }, info) => {
  await openStudio(page);
  const doc = JSON.parse(readFileSync('public/examples/regions.json', 'utf8')) as { alloc: { classes: Record<string, { export: Record<string, boolean> }> } };
  doc.alloc.classes['prompt-segment']!.export.file = false;
  const file = info.outputPath('regions-file-policy.harness.json');
  writeFileSync(file, JSON.stringify(doc));
  await page.getByTestId('import-input').setInputFiles(file);
  await expect(page.getByTestId('project-name')).toHaveValue('Regions and stale handles');
  const head = await runToStop(page);
  await expect(page.getByTestId('artifacts')).toContainText('the launch moved to Thursday');

  // Both download buttons (the run panel's JSONL and the runs list's ⤓) write the same policed file.
  for (const button of [page.getByTestId('run-export-jsonl'), page.getByTestId('run-export-trace').first()]) {
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    const events = readFileSync((await download.path())!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; text?: unknown; seq: number });
    // Every event is there; the texts the run's answers brought into windows are withheld, the artifacts are not.
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: head + 1 }, (_, i) => i));
    const answers = events.filter((e) => e.type === 'infer.completed');
    expect(answers.length).toBeGreaterThan(0);
    for (const e of answers) expect(e.text).toBe('[withheld by allocator class policy]');
    expect(events.filter((e) => e.type === 'artifact.written').map((e) => e.text)).toContain('Launch day from the brief: Launch brief v2: the launch moved to Thursday.');
  }
});
