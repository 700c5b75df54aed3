import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CEILINGS, parseHarness, type HarnessSpec } from '../kernel';
import { DEFAULT_MAX_WALL_S, runSpec } from './commands';

/**
 * Resource ceilings: a run that never ends on its own (an agent retrying a read nobody will
 * write, maxSteps 1e9, livelock detection off) stops with a named reason, not by filling memory.
 */
function endless(limits: Record<string, number> = {}): HarnessSpec {
  const r = parseHarness({
    version: 1, name: 'endless',
    models: [{ id: 'm', name: 'M', provider: 'sim', tokensPerSecond: 1000 }],
    agents: [
      { id: 'a', name: 'A', model: 'm', behaviour: [{ op: 'read', ref: 'artifact:never', as: 'x' }, { op: 'finish' }] },
      { id: 'b', name: 'B', model: 'm', behaviour: [{ op: 'recv', from: 'a' }, { op: 'finish' }] },
    ],
    limits: { maxSteps: 1_000_000_000, ...limits },
    term: { livelock: { enabled: false } },
  });
  if (!r.ok) throw new Error(r.issues[0]!.message);
  return r.spec;
}

describe('resource ceilings', () => {
  it('stops at the trace ceiling (max-events) with the count in its detail', async () => {
    const { summary, events } = await runSpec(endless({ maxEvents: 5_000 }), { seed: 1 });
    expect(summary.stopReason).toBe('max-events');
    // The ceiling is checked between decisions: the stop comes within a few events of it.
    expect(summary.events).toBeGreaterThan(5_000);
    expect(summary.events).toBeLessThan(5_010);
    const last = events[events.length - 1]!;
    expect(last.type === 'run.stopped' && last.detail).toMatch(/^the trace reached 500\d events, its ceiling \(limits\.maxEvents 5000\); \d+ agent turns so far$/);
  });

  it('stops when the state outgrows its ceiling (max-state), measured at fixed events, the same in every run', async () => {
    const a = await runSpec(endless({ maxStateBytes: 60_000 }), { seed: 1 });
    const b = await runSpec(endless({ maxStateBytes: 60_000 }), { seed: 1 });
    expect(a.summary.stopReason).toBe('max-state');
    expect(a.summary.traceHash).toBe(b.summary.traceHash);
    const last = a.events[a.events.length - 1]!;
    expect(last.type === 'run.stopped' && last.detail).toMatch(/^the run's state grew to \d+ bytes as JSON, over its ceiling \(limits\.maxStateBytes 60000\)/);
  });

  it('stops at the wall-clock ceiling in the CLI (max-wall-time)', async () => {
    let clock = 0;
    // A fake clock: a second passes each time the CLI reads it (every 256 events).
    const { summary, events } = await runSpec(endless(), { seed: 1, maxWallMs: 2_000, now: () => (clock += 1_000) });
    expect(summary.events).toBeLessThan(1_000);
    expect(summary.stopReason).toBe('max-wall-time');
    const last = events[events.length - 1]!;
    expect(last.type === 'run.stopped' && last.detail).toMatch(/^the run took more than 2 s of wall-clock time, its ceiling \(--max-wall-time\)/);
  });

  it('README states the default ceilings the kernel applies', () => {
    const readme = readFileSync('README.md', 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain(`\`limits.maxEvents\` events (default ${CEILINGS.maxEvents.toLocaleString('en-US')})`);
    expect(readme).toContain(`\`limits.maxStateBytes\` (default ${CEILINGS.maxStateBytes.toLocaleString('en-US')})`);
    expect(readme).toContain(`--max-wall-time S\` stops the run after S seconds of real time (default ${DEFAULT_MAX_WALL_S};`);
  });

  // A million events take about two minutes of CPU here: part of the full robustness run (npm run test:robust).
  it.runIf(process.env.HARNESS_FULL === '1')('with no limits set, maxSteps 1e9 still stops by a default ceiling', async () => {
    const { summary } = await runSpec(endless(), { seed: 1 });
    // On a loaded machine the CLI's wall-clock ceiling (600 s) can come first: a ceiling all the same.
    expect(['max-events', 'max-state', 'max-wall-time']).toContain(summary.stopReason);
    expect(summary.events).toBeLessThanOrEqual(CEILINGS.maxEvents + 1);
  }, 600_000);
});
