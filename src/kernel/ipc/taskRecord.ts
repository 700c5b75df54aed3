import type { TaskState } from './a2a';

/** A task as the kernel tracks it: who asked, who works on it, where it is and where it should go. */
export interface TaskRecord {
  id: string;
  contextId: string;
  client: string;
  server: string;
  /** null until its creation is recorded. */
  state: TaskState | null;
  /** The state a message or an agent's exit asked for; null when there is nowhere to go. */
  want: TaskState | null;
  /** A task a remote agent serves: its task and context ids there, so a further message continues it. */
  remote?: { taskId?: string; contextId?: string };
  /** Why the kernel ended it (a sub-agent's carve spent for good: `budget-exhausted`); said on its last update. */
  why?: string;
}
