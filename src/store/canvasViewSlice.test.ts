import { describe, expect, it } from 'vitest';
import { create } from 'zustand';
import { createDocumentSlice } from './documentSlice';
import { createCanvasViewSlice } from './canvasViewSlice';
import { createRunSlice } from './runSlice';
import type { StudioState } from './index';

const makeStore = () => create<StudioState>()((...a) => ({ ...createDocumentSlice(...a), ...createRunSlice(...a), ...createCanvasViewSlice(...a) }));

describe('the canvas view slice', () => {
  it('starts on the graph and remembers the chosen view', () => {
    const store = makeStore();
    expect(store.getState().canvasView).toBe('graph');
    store.getState().setCanvasView('policy');
    expect(store.getState().canvasView).toBe('policy');
  });

  it('a jump switches to the Policy view and asks it to centre, again on every jump', () => {
    const store = makeStore();
    store.getState().openProject({ id: 'p1', name: 'p', rev: 1, doc: {} });
    store.getState().showRule('deny-mail');
    expect(store.getState()).toMatchObject({ canvasView: 'policy', policyFocus: { target: { kind: 'rule', id: 'deny-mail' }, projectId: 'p1', centre: true }, policyFocusSeq: 1 });
    store.getState().setCanvasView('graph');
    store.getState().showRule('deny-mail');
    expect(store.getState()).toMatchObject({ canvasView: 'policy', policyFocusSeq: 2 });
    store.getState().showCapability('researcher', 'web_search');
    expect(store.getState().policyFocus?.target).toEqual({ kind: 'capability', agent: 'researcher', target: 'web_search' });
    store.getState().showPolicyTarget({ kind: 'mode' });
    expect(store.getState().policyFocus?.target).toEqual({ kind: 'mode' });
    expect(store.getState().policyFocusSeq).toBe(4);
  });

  it('a click in the view focuses without centring; null clears', () => {
    const store = makeStore();
    store.getState().focusPolicy({ kind: 'rule', id: 'r1' });
    expect(store.getState()).toMatchObject({ policyFocus: { centre: false }, policyFocusSeq: 0 });
    store.getState().focusPolicy(null);
    expect(store.getState().policyFocus).toBeNull();
  });
});
