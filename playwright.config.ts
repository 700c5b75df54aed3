/**
 * Playwright drives Debian's Chromium (it cannot download browsers here): CHROMIUM_PATH, else
 * /usr/bin/chromium or /usr/lib/chromium/chromium (scripts/ensure-chromium.mjs installs one).
 * The studio is served from dist/ by `vite preview`: build first (`npm test` does).
 */
import { accessSync, constants } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';

export function findChromium(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  for (const candidate of ['/usr/bin/chromium', '/usr/lib/chromium/chromium']) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // try the next one
    }
  }
  return '/usr/bin/chromium';
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** 4173 by default; E2E_PORT lets two checkouts on one machine run their suites side by side. */
const PORT = Number(process.env.E2E_PORT ?? 4173);
const BASE_URL = `http://127.0.0.1:${PORT}`;

export default defineConfig({
  testDir: 'e2e',
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  workers: process.env.CI ? 1 : 2,
  reporter: 'list',
  timeout: 30_000,
  expect: { timeout: 5_000 },
  use: {
    baseURL: BASE_URL,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    // Every spec starts on a fresh profile that has already dismissed the first-run tour (it would
    // otherwise sit over the canvas); e2e/layout.spec.ts clears this to test the tour itself.
    storageState: { cookies: [], origins: [{ origin: BASE_URL, localStorage: [{ name: 'hs.tour.done', value: '1' }] }] },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], launchOptions: { executablePath: findChromium(), args: CHROMIUM_ARGS } } }],
  webServer: {
    command: `npx vite preview --host 127.0.0.1 --port ${PORT} --strictPort`,
    url: BASE_URL,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
