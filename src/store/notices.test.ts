import { describe, expect, it } from 'vitest';
import { create } from 'zustand';
import { createCanvasViewSlice } from './canvasViewSlice';
import { createDocumentSlice } from './documentSlice';
import { createRunSlice } from './runSlice';
import type { StudioState } from './index';

const makeStore = () => create<StudioState>()((...a) => ({ ...createDocumentSlice(...a), ...createRunSlice(...a), ...createCanvasViewSlice(...a) }));
const open = (id: string) => ({ id, name: id, rev: 1, doc: {} });

describe('banners (notices)', () => {
  it('keeps one banner per key: a new import result replaces the last', () => {
    const store = makeStore();
    store.getState().notify({ level: 'warning', key: 'import', message: 'Imported a.json with 2 issues' });
    store.getState().notify({ level: 'error', message: 'Storage is full' });
    store.getState().notify({ level: 'warning', key: 'import', message: 'Imported b.json with 1 issue' });
    expect(store.getState().notices.map((n) => n.message)).toEqual(['Storage is full', 'Imported b.json with 1 issue']);
  });

  it('drops a banner about a project when another project opens or the project closes', () => {
    const store = makeStore();
    store.getState().openProject(open('p1'));
    store.getState().notify({ level: 'warning', key: 'import', project: 'p1', message: 'Imported p1.json with 1 issue' });
    store.getState().notify({ level: 'error', message: 'Storage is full' });
    store.getState().openProject(open('p1'));
    expect(store.getState().notices).toHaveLength(2);
    store.getState().openProject(open('p2'));
    expect(store.getState().notices.map((n) => n.message)).toEqual(['Storage is full']);
    store.getState().notify({ level: 'info', project: 'p2', message: 'Imported p2.json' });
    store.getState().closeProject();
    expect(store.getState().notices.map((n) => n.message)).toEqual(['Storage is full']);
  });
});
