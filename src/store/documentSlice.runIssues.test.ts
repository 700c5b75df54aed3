import { describe, expect, it } from 'vitest';
import { create } from 'zustand';
import { createCanvasViewSlice } from './canvasViewSlice';
import { createDocumentSlice } from './documentSlice';
import { createRunSlice } from './runSlice';
import type { StudioState } from './index';

const makeStore = () => create<StudioState>()((...a) => ({ ...createDocumentSlice(...a), ...createRunSlice(...a), ...createCanvasViewSlice(...a) }));
const doc = {
  version: 1, name: 'One real agent',
  models: [{ id: 'm', name: 'M', provider: 'openai-compatible', model: 'test-model' }],
  agents: [{ id: 'solo', name: 'Solo', model: 'm', systemPrompt: 'Answer.', capabilities: [] }],
};

describe('whether the open document can run here', () => {
  it('a real model cannot run until an endpoint is chosen for it, and cannot once the choice is cleared', () => {
    const store = makeStore();
    store.getState().openProject({ id: 'p', name: 'p', rev: 1, doc });
    expect(store.getState().issues).toEqual([]);
    expect(store.getState().runIssues).toEqual([expect.objectContaining({ path: 'models[0].provider', message: expect.stringContaining('cannot run here') })]);
    store.getState().setModelEndpoints({ m: 'Local wire' });
    expect(store.getState().runIssues).toEqual([]);
    // An edit keeps the choice in force.
    store.getState().change('Rename', { ...doc, name: 'Renamed' });
    expect(store.getState().runIssues).toEqual([]);
    store.getState().setModelEndpoints({});
    expect(store.getState().runIssues).toHaveLength(1);
  });
});
