import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Kernel } from '../kernel';
import { parseHarness, type HarnessSpec } from '../spec';
import type { KernelState } from '../state/state';
import { isTerminal } from './taskState';
import { planSend, reachable, type ReplyState } from './tasks';
import { tasksServedBy } from './taskIndex';

function example(name: string): HarnessSpec {
  const doc = JSON.parse(readFileSync(new URL(`../../../public/examples/${name}`, import.meta.url), 'utf8')) as unknown;
  const r = parseHarness(doc);
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('; '));
  return r.spec;
}

// The scans the index replaced, kept here as the reference its answers must equal.
const openTask = (t: KernelState['tasks'][string]): boolean => !isTerminal(t.want ?? t.state ?? 'TASK_STATE_SUBMITTED');
const REPLY = { completed: 'TASK_STATE_COMPLETED', 'input-required': 'TASK_STATE_INPUT_REQUIRED', failed: 'TASK_STATE_FAILED', rejected: 'TASK_STATE_REJECTED' } as const;
function planSendByScan(s: Readonly<KernelState>, from: string, to: string, reply: ReplyState | undefined): ReturnType<typeof planSend> {
  const tasks = Object.values(s.tasks).filter(openTask);
  const served = tasks.filter((t) => t.server === from && t.client === to).at(-1);
  if (served) {
    const want = REPLY[reply ?? 'completed'];
    return { task: served.id, taskTo: reachable(served.want ?? served.state ?? 'TASK_STATE_SUBMITTED', want) ? want : null };
  }
  const asked = tasks.filter((t) => t.client === from && t.server === to).at(-1);
  if (asked) return { task: asked.id, taskTo: (asked.want ?? asked.state) === 'TASK_STATE_INPUT_REQUIRED' ? 'TASK_STATE_WORKING' : null };
  if (reply === 'input-required') return { task: `t${s.nextId}`, taskTo: 'TASK_STATE_INPUT_REQUIRED' };
  return { task: `t${s.nextId}`, taskTo: 'TASK_STATE_SUBMITTED' };
}

/** Where the indexed answers differ from the scans' for every pair of parties in `s`. */
function differences(s: Readonly<KernelState>): string[] {
  const parties = [...s.order, 'human'];
  const out: string[] = [];
  for (const a of parties) {
    const served = tasksServedBy(s.tasks, a).map((t) => t.id);
    const scanned = Object.values(s.tasks).filter((t) => t.server === a).map((t) => t.id);
    if (JSON.stringify(served) !== JSON.stringify(scanned)) out.push(`served by ${a}: ${served} vs ${scanned}`);
    for (const b of parties) {
      if (a === b) continue;
      for (const reply of [undefined, 'input-required', 'failed'] as const) {
        const got = planSend(s, a, b, reply);
        const want = planSendByScan(s, a, b, reply);
        if (got.task !== want.task || got.taskTo !== want.taskTo) out.push(`${a}→${b} ${reply}: ${JSON.stringify(got)} vs ${JSON.stringify(want)}`);
      }
    }
  }
  return out;
}

describe('the task index', () => {
  // The examples whose agents delegate over A2A tasks.
  for (const name of ['research-team.json', 'ask-human.json']) {
    it(`answers as the scans do after every event of ${name} (seeds 1-3), live and after a seek`, async () => {
      let tasksSeen = 0;
      for (const seed of [1, 2, 3]) {
        const k = Kernel.create(example(name), { runId: 'r', seed });
        const problems: string[] = [];
        for (let i = 0; i < 20_000 && !k.stopped && problems.length < 4; i++) {
          if (k.waiting) {
            const asks = k.openAsks();
            for (const ask of asks) k.submit({ kind: 'approve', callId: ask.callId, remember: false });
            if (asks.length === 0) k.submit({ kind: 'stop' });
          }
          const e = await k.step();
          if (e === null && !k.stopped && !k.waiting) break;
          // The live state (the index follows it event by event) and a restored copy (its index built afresh).
          for (const d of differences(k.state)) problems.push(`after event ${k.head}: ${d}`);
          if (k.head % 7 === 0) for (const d of differences(k.stateAt(k.head))) problems.push(`seek to ${k.head}: ${d}`);
        }
        expect(problems, `${name} seed ${seed}`).toEqual([]);
        tasksSeen += Object.keys(k.state.tasks).length;
      }
      expect(tasksSeen, `${name} opens A2A tasks`).toBeGreaterThan(0);
    });
  }
});
