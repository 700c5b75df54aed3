import { describe, expect, it } from 'vitest';
import { drawSequence, TASK_STATE_COLORS } from './drawSequence';
import { Conversation } from './fixtures.test-data';
import { sequenceAt } from './sequence';
import { layoutSequence, SEQ_GEOMETRY } from './sequenceLayout';

/** A 2D context that records fillText calls and the fill styles set, and ignores everything else. */
function recordingContext(): { ctx: CanvasRenderingContext2D; texts: string[]; fills: string[] } {
  const texts: string[] = [];
  const fills: string[] = [];
  const target: Record<string, unknown> = {};
  const ctx = new Proxy(target, {
    get: (t, key) => (key === 'fillText' ? (s: string) => texts.push(s) : key in t ? t[key as string] : () => {}),
    set: (t, key, value) => {
      if (key === 'fillStyle') fills.push(String(value));
      t[key as string] = value;
      return true;
    },
  }) as unknown as CanvasRenderingContext2D;
  return { ctx, texts, fills };
}

describe('drawSequence', () => {
  it('paints names, labels, badges and task states through fillText and fills', () => {
    const c = new Conversation()
      .started(['planner', 'coder'])
      .at(100).sent('human', 'coder', '<b>ship</b>', { facts: ['f'], task: 't1' })
      .task('t1', 'human', 'coder', null, 'TASK_STATE_INPUT_REQUIRED')
      .at(150).delivered('m1', 'human', 'coder')
      .retained('m1', 'human', 'coder', ['f'], ['f']);
    const model = sequenceAt(c.events, c.last, ['planner', 'coder']);
    const layout = layoutSequence(model, c.last, 150, { ...SEQ_GEOMETRY, width: 600, height: 400 }, { t0: 0, t1: 200 });
    const { ctx, texts, fills } = recordingContext();
    drawSequence(ctx, layout);
    expect(texts).toEqual(expect.arrayContaining(['human (you)', 'planner', 'coder', '<b>ship</b>', '1/1 facts']));
    expect(fills).toContain(TASK_STATE_COLORS.TASK_STATE_INPUT_REQUIRED);
  });
});
