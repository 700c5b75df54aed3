import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Kernel, parseHarness, type HarnessSpec, type KernelEvent } from '../../kernel';
import { authorityText, countUntil, decisionLogFor, DecisionLog, NO_FILTER } from './decisions';

/** The decision log read from real kernel runs of the shipped examples: the events the studio shows. */

function example(name: string, edit: (doc: Record<string, any>) => void = () => {}): HarnessSpec {
  const doc = JSON.parse(readFileSync(`public/examples/${name}.json`, 'utf8')) as Record<string, any>;
  edit(doc);
  const parsed = parseHarness(doc);
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('; '));
  return parsed.spec;
}

/** Runs to the stop; every ask is answered as `answer` says (a person at the prompt). */
async function run(spec: HarnessSpec, answer: 'approve' | 'remember' | 'deny' = 'approve'): Promise<readonly KernelEvent[]> {
  const k = Kernel.create(spec, { runId: 'r', seed: 1 });
  for (let round = 0; round < 50 && !k.stopped; round++) {
    if ((await k.runUntil({ maxEvents: 20_000 })).reason !== 'waiting') break;
    for (const ask of k.openAsks()) k.submit(answer === 'deny' ? { kind: 'deny', callId: ask.callId } : { kind: 'approve', callId: ask.callId, remember: answer === 'remember' });
  }
  return k.events;
}

const rowsOf = (events: readonly KernelEvent[]) => new DecisionLog().advance(events, Infinity).rows;

describe('the decision log of a real run', () => {
  it('an ask, the person’s remembered approval and the later allow name their rules; the approval points the canvas at the rule that asked', async () => {
    const rows = rowsOf(await run(example('approvals'), 'remember'));
    const writes = rows.filter((r) => r.tool === 'fs_write');
    // The writer's job lease on fs_write ends with its job: the last row.
    expect(writes.map((r) => r.outcome)).toEqual(['ask', 'approved', 'allow', 'expired']);
    const [ask, approved, again] = writes;
    expect(ask).toMatchObject({ agent: 'writer', rule: 'mode:ask', scope: 'mode', module: 'mode', mode: 'ask', hook: 'tool.call', canvasRule: 'mode:ask' });
    expect(approved).toMatchObject({
      rule: 'session-1', scope: 'session', module: 'human', mode: 'ask', hook: 'tool.call', canvasRule: 'mode:ask',
      reason: 'a human approved and remembered fs_write(/workspace/report.md)',
    });
    expect(authorityText(approved!)).toBe('by session-1 (session, human)');
    // The second write needs no ask: the session rule allows it, and the row says so.
    expect(again).toMatchObject({ rule: 'session-1', scope: 'session', module: 'rules' });
    expect(again!.reason).toMatch(/is allowed by rule "session-1"/);
  });

  it('a person’s denial is by a human and points the canvas at the rule that asked', async () => {
    const rows = rowsOf(await run(example('approvals'), 'deny'));
    const denied = rows.filter((r) => r.tool === 'fs_write' && r.outcome === 'deny');
    expect(denied.length).toBeGreaterThan(0);
    expect(denied[0]).toMatchObject({ module: 'human', rule: '', scope: '', reason: 'a human denied it', canvasRule: 'mode:ask' });
    expect(authorityText(denied[0]!)).toBe('by human');
  });

  it('the injected mail: denied by the taint module with the page’s label; the colleague’s mail allowed by the project rule', async () => {
    const rows = rowsOf(await run(example('injection')));
    const mails = rows.filter((r) => r.tool === 'send_mail');
    const denied = mails.find((r) => r.outcome === 'deny')!;
    expect(denied).toMatchObject({ module: 'taint', rule: 'taint', scope: 'kernel', hook: 'tool.call', mode: 'auto' });
    expect(denied.taint).toEqual([expect.stringMatching(/^tool:web_fetch#c\d+$/)]);
    expect(denied.reason).toMatch(/privileged sink .* \[tainted-sink\]$/);
    const allowed = mails.find((r) => r.outcome === 'allow')!;
    expect(allowed).toMatchObject({ rule: 'mail-colleagues', scope: 'project', module: 'rules', taint: [] });
    expect(allowed.reason).toMatch(/\(with handle h\d+\)$/);
    expect(authorityText(allowed)).toBe('by mail-colleagues (project, rules)');
  });

  it('a signature that does not verify refuses the job at job.create', async () => {
    const rows = rowsOf(await run(example('research-team', (d) => { d.policy = { ...d.policy, requireSigned: true }; })));
    expect(rows.map((r) => [r.agent, r.outcome, r.hook, r.module])).toEqual([
      ['planner', 'deny', 'job.create', 'signature'],
      ['researcher', 'deny', 'job.create', 'signature'],
      ['writer', 'deny', 'job.create', 'signature'],
    ]);
    expect(rows[0]!.reason).toMatch(/not signed/);
  });

  it('a lease that ends is its own outcome, naming the capability', async () => {
    const spec = example('research-team', (d) => {
      d.agents.find((a: { id: string }) => a.id === 'researcher').capabilities[0].leaseMs = 1;
    });
    const rows = rowsOf(await run(spec));
    expect(rows.find((r) => r.outcome === 'expired')).toMatchObject({ agent: 'researcher', tool: 'web_search', rule: 'capability:researcher->web_search', module: 'capability' });
    // The search after the lease is refused by the capability module with the typed code.
    expect(rows.find((r) => r.tool === 'web_search' && r.outcome === 'deny')).toMatchObject({ module: 'capability', reason: expect.stringMatching(/\[lease-ended\]$/) });
  });

  it('every trust event of every example makes a complete row, read from the event alone', async () => {
    const names = (JSON.parse(readFileSync('public/examples/index.json', 'utf8')) as { file: string }[]).map((x) => x.file.replace('.json', ''));
    for (const name of names) {
      const events = await run(example(name));
      for (const row of rowsOf(events)) {
        expect(row.module, `${name} #${row.seq}`).not.toBe('');
        expect(row.reason, `${name} #${row.seq}`).not.toBe('');
        if (row.outcome !== 'expired') expect(row.mode, `${name} #${row.seq}`).toBe(events[0]!.type === 'run.started' ? example(name).policy.mode : '');
      }
    }
  });

  it('filters by agent, tool and outcome, grows each list as events arrive, and reads each event once', async () => {
    const events = await run(example('injection'));
    const rows = rowsOf(events);
    const firstDeny = rows.find((r) => r.outcome === 'deny')!.seq;
    const log = decisionLogFor(events, firstDeny - 1);
    const denies = { ...NO_FILTER, outcome: 'deny' } as const;
    expect(log.matching(denies)).toEqual([]);
    decisionLogFor(events, events.length - 1);
    expect(log.matching(denies).map((r) => r.seq)).toEqual(rows.filter((r) => r.outcome === 'deny').map((r) => r.seq));
    expect(log.matching({ ...NO_FILTER, agent: 'assistant', tool: 'send_mail' }).every((r) => r.agent === 'assistant' && r.tool === 'send_mail')).toBe(true);
    expect(log.matching(NO_FILTER)).toBe(log.rows);
    expect(log.rows).toEqual(rows);
    // Asking again for an earlier head reads nothing new and loses nothing.
    expect(decisionLogFor(events, 0).rows.length).toBe(rows.length);
    expect(countUntil(log.rows, firstDeny)).toBe(rows.filter((r) => r.seq <= firstDeny).length);
    expect(countUntil(log.rows, -1)).toBe(0);
  });
});
