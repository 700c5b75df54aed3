/** sched/: scheduling classes behind one ops table, and the registry the kernel uses. */
import { fifo } from './fifo';
import { SchedRegistry, type SchedClass } from './schedClass';

export type { SchedClass, SchedEntity, SchedParams, SchedStats } from './schedClass';
export { SchedRegistry } from './schedClass';
export { fifo } from './fifo';

/** The classes this kernel ships, in strict rank order. */
export const SCHED_CLASSES = new SchedRegistry([fifo as SchedClass]);
