/**
 * A run's view of the ArchiveStore port. Each store of a run lives in its own namespace
 * (`<run>/<store>`; a session-tier store an agent wrote to, in `<run>/<store>@<agent>`, its
 * private copy-on-write clone). The archive's contents are a function of the run's events:
 * `apply` mirrors each event's effect (documents at run.started, chunks stored by tools, copies
 * made at mem.cow, chunks deleted by a rollback), so a restored or forked kernel rebuilds its
 * namespaces from its log and searches rank exactly as the original run did. Writes are queued;
 * a search waits for the writes before it. The trace records every result the kernel used, so
 * seeks and replays never search again.
 */
import type { ArchiveChunk, ArchiveHit, ArchiveStore } from './archiveStore';
import type { KernelEvent } from '../trace/events';
import { MemoryArchive } from './memoryArchive';

export class RunArchive {
  private queue: Promise<void> = Promise.resolve();
  /** Chunks per namespace as the events left them (what a copy-on-write clone copies). */
  private readonly mirror = new Map<string, Map<string, ArchiveChunk>>();
  /** Set when the port failed (e.g. the disk is full): the run goes on in memory, rebuilt from the mirror. */
  private fallback: MemoryArchive | null = null;

  constructor(
    private readonly archive: ArchiveStore,
    private readonly run: string,
    private readonly onFailure?: (err: unknown) => void,
    /** Defer writes until a search needs them (an archive nobody else reads). */
    private readonly lazy = false,
  ) {}

  /** Chunks waiting to be written (lazy mode), in order. */
  private unsynced: ArchiveChunk[] = [];

  /** The namespace of `store` as `agent` sees it (its private clone once it wrote to a session store). */
  ns(store: string, agent?: string): string {
    if (agent !== undefined && this.mirror.has(`${this.run}/${store}@${agent}`)) return `${this.run}/${store}@${agent}`;
    return `${this.run}/${store}`;
  }

  /** Forgets whatever the archive held for this run id (a restore rebuilds it from the log). */
  reset(): void {
    this.mirror.clear();
    this.unsynced = [];
    this.enqueue(() => this.archive.clear(`${this.run}/`));
  }

  /** Mirrors one committed event's effect on archival memory. */
  apply(e: KernelEvent): void {
    switch (e.type) {
      case 'run.started': {
        const chunks: ArchiveChunk[] = [];
        for (const [store, docs] of Object.entries(e.stores)) {
          const ns = `${this.run}/${store}`;
          this.ensure(ns);
          docs.forEach((d, i) => {
            const chunk: ArchiveChunk = { id: `${store}#${i}`, store: ns, text: d.text, source: 'document', trust: d.trust, tags: d.tags, t: 0 };
            if (!d.valid) chunk.valid = false;
            chunks.push(chunk);
          });
        }
        this.insert(chunks);
        return;
      }
      case 'mem.cow': {
        const from = `${this.run}/${e.store}`;
        const to = `${this.run}/${e.store}@${e.agent}`;
        const copy = [...(this.mirror.get(from)?.values() ?? [])].map((c) => ({ ...c, store: to }));
        this.ensure(to);
        this.insert(copy);
        return;
      }
      case 'tool.returned': {
        if (!e.stored) return;
        const ns = this.ns(e.stored.store, e.agent);
        // A note derived from untrusted data rests with its labels, and a search hit brings them back.
        const taint = e.stored.taint ?? [];
        this.insert([{ id: e.stored.id, store: ns, text: e.stored.text, source: `agent:${e.agent}`, trust: taint.length > 0 ? 'untrusted' : 'trusted', tags: [], t: e.t, ...(taint.length > 0 ? { taint: [...taint] } : {}) }]);
        return;
      }
      case 'human.edited': {
        // A person rewrote an archival chunk: it is inserted again under its id, with the new text.
        const edit = e.edit;
        if (edit.kind !== 'chunk.edited') return;
        const spaces = [...(edit.shared ? [`${this.run}/${edit.store}`] : []), ...edit.agents.map((a) => `${this.run}/${edit.store}@${a}`)];
        const chunks: ArchiveChunk[] = [];
        for (const ns of spaces) {
          const old = this.mirror.get(ns)?.get(edit.id);
          if (old) chunks.push({ ...old, text: edit.text });
        }
        this.insert(chunks);
        return;
      }
      case 'audit.rolledback': {
        if (e.undo.kind !== 'delete-chunk') return;
        const { store, id } = e.undo;
        for (const ns of [...this.mirror.keys()]) {
          if (ns !== `${this.run}/${store}` && !ns.startsWith(`${this.run}/${store}@`)) continue;
          this.sync();
          if (this.mirror.get(ns)!.delete(id)) this.enqueue(() => this.archive.delete(ns, id).then(() => undefined));
        }
        return;
      }
      default:
        return;
    }
  }

  /** Top-k of `store` as `agent` sees it, after every queued write. */
  async search(store: string, query: string, k: number, agent?: string): Promise<ArchiveHit[]> {
    const ns = this.ns(store, agent);
    this.sync();
    await this.queue;
    if (this.fallback) return this.fallback.search(ns, query, k);
    try {
      return await this.archive.search(ns, query, k);
    } catch (err) {
      this.failOver(err);
      return this.fallback!.search(ns, query, k);
    }
  }

  /** Whether the run has a store of that name (documents or not). */
  has(store: string): boolean {
    return this.mirror.has(`${this.run}/${store}`);
  }

  /** Chunks in a namespace as the events left it. */
  size(store: string, agent?: string): number {
    return this.mirror.get(this.ns(store, agent))?.size ?? 0;
  }

  private ensure(ns: string): Map<string, ArchiveChunk> {
    let m = this.mirror.get(ns);
    if (!m) this.mirror.set(ns, (m = new Map()));
    return m;
  }

  private insert(chunks: ArchiveChunk[]): void {
    if (chunks.length === 0) return;
    for (const c of chunks) {
      const m = this.ensure(c.store);
      m.delete(c.id);
      m.set(c.id, c);
    }
    if (this.lazy) this.unsynced.push(...chunks);
    else this.enqueue(() => this.archive.insert(chunks));
  }

  /** Lazy mode: writes what is pending, in one insert, before a search or a delete. */
  private sync(): void {
    if (this.unsynced.length === 0) return;
    const chunks = this.unsynced;
    this.unsynced = [];
    this.enqueue(() => this.archive.insert(chunks));
  }

  private enqueue(op: () => Promise<void>): void {
    this.queue = this.queue.then(() => (this.fallback ? undefined : op())).catch((err: unknown) => this.failOver(err));
  }

  /** The port failed: rebuild the run's archive in memory from the mirror (same ranking) and say so once. */
  private failOver(err: unknown): void {
    if (this.fallback) return;
    const memory = new MemoryArchive();
    for (const chunks of this.mirror.values()) void memory.insert([...chunks.values()]);
    this.fallback = memory;
    this.onFailure?.(err);
  }
}
