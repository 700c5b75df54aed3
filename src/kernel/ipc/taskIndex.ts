/**
 * Tasks by (client, server) pair and by server, so a send (`planSend`) and an agent's exit (the
 * `agent.finished` reducer) read only the tasks between those agents instead of every task of
 * the run. Derived data only, never in the state or a snapshot: it hangs off the state's `tasks`
 * table by identity (a WeakMap), so a copied, restored or loaded state gets its own, built from
 * its table on first use; the one place that adds a task (`msg.sent`) tells it. Lists keep the
 * table's order (creation order) and hold closed tasks too: callers test openness on the record,
 * so answers are those of a scan over the whole table, in the same order.
 */
import type { TaskRecord } from './taskRecord';

interface TaskIndex {
  byPair: Map<string, string[]>;
  byServer: Map<string, string[]>;
  byClient: Map<string, string[]>;
}

const indexes = new WeakMap<Record<string, TaskRecord>, TaskIndex>();

const pairKey = (client: string, server: string): string => `${client}\u0000${server}`;

function add(ix: TaskIndex, t: TaskRecord): void {
  const pk = pairKey(t.client, t.server);
  const pair = ix.byPair.get(pk);
  if (pair) pair.push(t.id);
  else ix.byPair.set(pk, [t.id]);
  const served = ix.byServer.get(t.server);
  if (served) served.push(t.id);
  else ix.byServer.set(t.server, [t.id]);
  const asked = ix.byClient.get(t.client);
  if (asked) asked.push(t.id);
  else ix.byClient.set(t.client, [t.id]);
}

function indexOf(tasks: Record<string, TaskRecord>): TaskIndex {
  let ix = indexes.get(tasks);
  if (!ix) {
    ix = { byPair: new Map(), byServer: new Map(), byClient: new Map() };
    for (const t of Object.values(tasks)) add(ix, t);
    indexes.set(tasks, ix);
  }
  return ix;
}

/** Records that task `id` was just added to `tasks` (call after adding it). */
export function taskAdded(tasks: Record<string, TaskRecord>, id: string): void {
  const ix = indexes.get(tasks);
  const t = tasks[id];
  // Without an index yet, the first question builds one from the table, this task included.
  if (ix && t) add(ix, t);
}

/** The tasks `client` asked `server`, oldest first (records the table no longer holds are left out). */
export function tasksBetween(tasks: Record<string, TaskRecord>, client: string, server: string): TaskRecord[] {
  return records(tasks, indexOf(tasks).byPair.get(pairKey(client, server)));
}

/** The tasks `server` serves, oldest first. */
export function tasksServedBy(tasks: Record<string, TaskRecord>, server: string): TaskRecord[] {
  return records(tasks, indexOf(tasks).byServer.get(server));
}

/** The tasks `client` asked, oldest first (an agent's /proc lists the open ones). */
export function tasksAskedBy(tasks: Record<string, TaskRecord>, client: string): TaskRecord[] {
  return records(tasks, indexOf(tasks).byClient.get(client));
}

/** The last task between `client` and `server` (oldest first) that `keep` accepts, or undefined. */
export function lastTaskBetween(tasks: Record<string, TaskRecord>, client: string, server: string, keep: (t: TaskRecord) => boolean): TaskRecord | undefined {
  const ids = indexOf(tasks).byPair.get(pairKey(client, server));
  if (!ids) return undefined;
  for (let i = ids.length - 1; i >= 0; i--) {
    const t = tasks[ids[i]!];
    if (t && keep(t)) return t;
  }
  return undefined;
}

function records(tasks: Record<string, TaskRecord>, ids: readonly string[] | undefined): TaskRecord[] {
  const out: TaskRecord[] = [];
  for (const id of ids ?? []) {
    const t = tasks[id];
    if (t) out.push(t);
  }
  return out;
}
