import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Kernel } from './kernel';
import { asRunId } from './ids';
import { parseHarness } from './spec';
import { runToStop, type RunToStopOptions } from './runToStop';

const example = (name: string) => {
  const r = parseHarness(readFileSync(new URL(`../../public/examples/${name}.json`, import.meta.url), 'utf8'));
  if (!r.ok) throw new Error(`${name} invalid`);
  return Kernel.create(r.spec, { runId: asRunId('t'), seed: 1 });
};
const rule = (answer: RunToStopOptions['answer']): RunToStopOptions => ({ answer, denyReason: 'nobody here', noHuman: (w) => `${w.join(', ')} waits; nobody sends` });

describe('runToStop: a run with nobody at the keyboard', () => {
  it('answers every ask by its rule: deny records the reason, approve lets the run complete', async () => {
    const denied = example('approvals');
    expect(await runToStop(denied, rule('deny'))).toMatchObject({ reason: 'stopped' });
    const denials = denied.events.filter((e) => e.type === 'tool.denied' && e.decision?.module === 'human');
    expect(denials).toHaveLength(2);
    const approved = example('approvals');
    await runToStop(approved, rule('approve'));
    expect(approved.events.filter((e) => e.type === 'tool.approved')).toHaveLength(2);
    expect(approved.state.stopped?.reason).toBe('completed');
  });

  it('stops a run waiting for a message from the human, with the detail it is given', async () => {
    const k = example('ask-human');
    await runToStop(k, rule('deny'));
    expect(k.state.stopped?.reason).toBe('stopped');
    expect(k.state.stopped?.detail).toMatch(/waits; nobody sends$/);
  });

  it('pausing and calling again gives the same trace as one call', async () => {
    const once = example('approvals');
    await runToStop(once, rule('deny'));
    const sliced = example('approvals');
    let n = 0;
    let calls = 0;
    for (;;) {
      calls++;
      const r = await runToStop(sliced, { ...rule('deny'), shouldPause: () => ++n % 7 === 0 });
      if (r.reason === 'stopped') break;
    }
    expect(calls).toBeGreaterThan(2);
    expect(sliced.traceHash()).toBe(once.traceHash());
  });
});
