/**
 * Regions' share of the reducer (kernel/region): a refused read or write, and a stale handle.
 * Both put their words in the agent's window as a tool result; a stale read is attempted again
 * next turn (the sim re-acquires, as after a retried fault), a denied one is not.
 */
import { dropHandle } from '../region/regionFault';
import { backToReady, proc, push, type SubsystemReducers } from './reduceHelpers';

/** The reducers of region.denied and region.stale. */
export const regionReducers = {
  'region.denied': (s, e) => {
    const p = proc(s, e.agent);
    if (e.callId !== undefined && p.call?.callId === e.callId) p.call = null; // a refused system call ends, as on tool.denied
    push(s, p, { role: 'tool', text: e.detail, tokens: 0, kind: 'tool', source: 'kernel' }, e.t);
    p.last = e.detail;
    backToReady(p);
  },
  'region.stale': (s, e) => {
    const p = proc(s, e.agent);
    dropHandle(s.regions, e);
    push(s, p, { role: 'tool', text: e.detail, tokens: 0, kind: 'tool', source: 'kernel' }, e.t);
    p.last = e.detail;
    p.pc = Math.max(0, p.pc - 1); // the read is attempted again next turn, with a fresh handle
    backToReady(p);
  },
} satisfies SubsystemReducers;
