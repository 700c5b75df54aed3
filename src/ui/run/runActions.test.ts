import { describe, expect, it } from 'vitest';
import type { StudioState } from '../../store';
import { actionForKey, RUN_ACTIONS, tooltip } from './runActions';

const key = (k: string, shiftKey = false) => ({ key: k, shiftKey, ctrlKey: false, altKey: false, metaKey: false });
const state = (over: Partial<StudioState>): StudioState =>
  ({ projectId: 'p', runId: 'r', runs: [], status: 'paused', loading: false, cursor: 5, head: 10, ...over }) as StudioState;

describe('run actions', () => {
  it('bind the DevTools-style keys', () => {
    expect(actionForKey(key('F8'), state({}))?.name).toBe('run');
    expect(actionForKey(key('F8'), state({ status: 'running' }))?.name).toBe('pause');
    expect(actionForKey(key('F10'), state({}))?.name).toBe('stepTurn');
    expect(actionForKey(key('F11'), state({}))?.name).toBe('stepInto');
    expect(actionForKey(key('F11', true), state({}))?.name).toBe('stepOut');
    expect(actionForKey(key('F10', true), state({}))?.name).toBe('stepEvent');
    expect(actionForKey({ ...key('F10'), ctrlKey: true }, state({}))?.name).toBe('runToCursor');
    expect(actionForKey(key('?', true), state({}))?.name).toBe('shortcuts');
    expect(actionForKey(key('F9'), state({}))?.name).toBe('stepBack');
    expect(actionForKey(key('F9', true), state({}))?.name).toBe('fork');
    expect(actionForKey(key('F7'), state({}))).toBeUndefined();
  });

  it('only fire when the action is possible', () => {
    expect(actionForKey(key('F9'), state({ cursor: 0 }))).toBeUndefined();
    // At the head of a stopped run there is nothing to step into.
    expect(actionForKey(key('F10'), state({ status: 'stopped', cursor: 10 }))).toBeUndefined();
    // ... but the recorded past can still be stepped through.
    expect(actionForKey(key('F10'), state({ status: 'stopped', cursor: 3 }))?.name).toBe('stepTurn');
    // Run to cursor needs a run, and a run that is not playing.
    expect(actionForKey({ ...key('F10'), ctrlKey: true }, state({ status: 'running' }))).toBeUndefined();
    expect(actionForKey(key('F8'), state({ projectId: null }))).toBeUndefined();
  });

  it('name their shortcut in the tooltip, with one test id each', () => {
    expect(tooltip(RUN_ACTIONS.find((a) => a.name === 'stepTurn')!)).toMatch(/\(F10\)$/);
    expect(tooltip(RUN_ACTIONS.find((a) => a.name === 'stepEvent')!)).toMatch(/\(Shift\+F10\)$/);
    expect(new Set(RUN_ACTIONS.map((a) => a.testId)).size).toBe(RUN_ACTIONS.length);
  });
});

describe('one table for keys, toolbar and sheet', () => {
  it('gives no two actions the same key in the same state', () => {
    const presses = [key('F8'), key('F9'), key('F9', true), key('F10'), key('F10', true), key('F11'), key('F11', true), { ...key('F10'), ctrlKey: true }, key('?', true)];
    for (const s of [state({}), state({ status: 'running' }), state({ status: 'stopped', cursor: 3 })]) {
      for (const p of presses) expect(RUN_ACTIONS.filter((a) => a.keyTest(p, s)).length, `${p.key}${p.shiftKey ? '+shift' : ''}`).toBeLessThanOrEqual(1);
    }
  });
});

describe('stepping with no run selected', () => {
  it('is possible (it starts a paused run) once a project is open', () => {
    expect(actionForKey(key('F10'), state({ runId: null, status: null, cursor: -1, head: -1 }))?.name).toBe('stepTurn');
    expect(actionForKey(key('F10'), state({ projectId: null, runId: null }))).toBeUndefined();
  });
});
