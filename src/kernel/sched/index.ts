/**
 * sched/: scheduling classes behind one ops table, and the registry the kernel uses. This file
 * is the registry: a new class is its own file plus one entry in SCHED_CLASSES below.
 */
import { deadline } from './deadline';
import { fair } from './fair';
import { fifo } from './fifo';
import { idle } from './idle';
import { objectiveClass } from './objectiveClass';
import { priority } from './priority';
import { rt } from './rt';
import { SchedRegistry, type SchedClass } from './schedClass';

export type { AgentSched, SchedClass, SchedEntity, SchedModel, SchedParam, SchedParamIssue, SchedParams, SchedShown, SchedStats } from './schedClass';
export { numberParam, SchedRegistry } from './schedClass';
export { fairWeight } from './fair';
export { deadlineUtilization } from './deadline';
export { runqueueOrder, type ClassRunqueue, type QueuedAgent, type RunqueueSource } from './runqueueOrder';
export { deadline, fair, fifo, idle, objectiveClass, priority, rt };

/** The classes this kernel ships, in strict rank order: deadline > rt > fifo > fair > objective > priority > idle. */
export const SCHED_CLASSES = new SchedRegistry([deadline, rt, fifo, fair, objectiveClass, priority, idle] as SchedClass[]);
