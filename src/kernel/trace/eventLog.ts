/**
 * A run's events in seq order. By default every event stays an object (an array, as it always
 * was). With spilling on, only the newest events stay objects: older ones are written out in
 * blocks of SPILL_BLOCK as JSON, through a codec the host may give (the CLI compresses with
 * node:zlib; the kernel itself stays pure), and read back, a block at a time, when something
 * asks for them. A million-event run then holds tens of megabytes of blocks instead of a
 * gigabyte of objects that every full garbage collection has to walk.
 *
 * Whatever reads events keeps working through `view`: an array when nothing spills, else a
 * read-only array view (a Proxy) whose elements come from the blocks. Code that reads many
 * events should use `get`, `slice` or iteration, which skip the Proxy.
 */
import type { KernelEvent } from './events';

/** Events per spilled block (the studio's stored blocks are the same size: persist/eventBlocks.ts). */
export const SPILL_BLOCK = 256;

/** How a spilled block is kept: `encode` receives the block's events as one JSON array text; `decode` gives it back. */
export interface BlockCodec {
  encode(json: string): unknown;
  decode(block: unknown): string;
}

/** Keeps a block as its JSON text (no compression: a host with a compressor passes its own codec). */
export const JSON_CODEC: BlockCodec = {
  encode: (json) => json,
  decode: (block) => block as string,
};

export interface SpillOptions {
  /** Newest events kept as objects (default 4096): the run loop reads recent events, and these are never decoded. */
  keep?: number;
  codec?: BlockCodec;
  /** Decoded blocks kept for readers (default 16): a seek replays up to a few thousand events. */
  cacheBlocks?: number;
}

/** What readers of a log may do; Kernel.trace and Projection.trace hand this out. */
export interface EventReader extends Iterable<KernelEvent> {
  readonly length: number;
  /** The event with this seq, or undefined outside 0..length-1. */
  get(seq: number): KernelEvent | undefined;
  /** Events from..to-1, as Array.prototype.slice (negative indexes count from the end). */
  slice(from?: number, to?: number): KernelEvent[];
  /** Events from `from` to the end (or to `to`, exclusive), in order. */
  range(from: number, to?: number): Iterable<KernelEvent>;
}

export class EventLog implements EventReader {
  /** Spilled blocks, in order: block b holds seqs b*SPILL_BLOCK .. (b+1)*SPILL_BLOCK-1. */
  private readonly blocks: unknown[] = [];
  /** Events from seq blocks.length * SPILL_BLOCK on, as objects. */
  private readonly tail: KernelEvent[] = [];
  private readonly cache = new Map<number, readonly KernelEvent[]>();
  private spill: Required<SpillOptions> | null = null;
  private proxy: readonly KernelEvent[] | null = null;

  constructor(spill?: SpillOptions) {
    if (spill) this.spillWith(spill);
  }

  /** Turns spilling on (before any event is pushed: a log never mixes modes). */
  spillWith(spill: SpillOptions): void {
    if (this.length > 0) throw new Error('spilling is chosen before the first event');
    const keep = Math.max(0, Math.floor(spill.keep ?? 4096));
    this.spill = { keep, codec: spill.codec ?? JSON_CODEC, cacheBlocks: Math.max(1, Math.floor(spill.cacheBlocks ?? 16)) };
  }

  get spilling(): boolean {
    return this.spill !== null;
  }

  get length(): number {
    return this.blocks.length * SPILL_BLOCK + this.tail.length;
  }

  /** Events held as blocks (the first `spilled` seqs). */
  get spilled(): number {
    return this.blocks.length * SPILL_BLOCK;
  }

  /** Appends the next event (its seq must be `length`). */
  push(e: KernelEvent): void {
    this.tail.push(e);
    const spill = this.spill;
    if (spill && this.tail.length >= spill.keep + SPILL_BLOCK) {
      const out = this.tail.splice(0, SPILL_BLOCK);
      this.blocks.push(spill.codec.encode(JSON.stringify(out)));
    }
  }

  /** Forgets every event (the log starts again at seq 0). */
  clear(): void {
    this.blocks.length = 0;
    this.tail.length = 0;
    this.cache.clear();
  }

  get(seq: number): KernelEvent | undefined {
    if (!(seq >= 0 && seq < this.length)) return undefined;
    const spilled = this.spilled;
    if (seq >= spilled) return this.tail[seq - spilled];
    return this.block(Math.floor(seq / SPILL_BLOCK))[seq % SPILL_BLOCK];
  }

  /** The last event, or undefined while empty. */
  last(): KernelEvent | undefined {
    return this.get(this.length - 1);
  }

  slice(from = 0, to = this.length): KernelEvent[] {
    const n = this.length;
    const start = from < 0 ? Math.max(0, n + from) : Math.min(from, n);
    const end = to < 0 ? Math.max(0, n + to) : Math.min(to, n);
    const out: KernelEvent[] = [];
    for (const e of this.range(start, end)) out.push(e);
    return out;
  }

  *range(from: number, to: number = this.length): Generator<KernelEvent> {
    const end = Math.min(to, this.length);
    let seq = Math.max(0, from);
    const spilled = this.spilled;
    while (seq < end && seq < spilled) {
      const b = Math.floor(seq / SPILL_BLOCK);
      const events = this.block(b);
      const stop = Math.min(end, (b + 1) * SPILL_BLOCK);
      for (; seq < stop; seq++) yield events[seq - b * SPILL_BLOCK]!;
    }
    for (; seq < end; seq++) yield this.tail[seq - spilled]!;
  }

  [Symbol.iterator](): Iterator<KernelEvent> {
    return this.range(0);
  }

  /**
   * The log as an array for code that reads one: the array itself when nothing spills (it grows
   * in place, as the kernel's log always did), else a read-only view whose length and elements
   * follow the log. Writing to the view throws.
   */
  get view(): readonly KernelEvent[] {
    if (!this.spill) return this.tail;
    return (this.proxy ??= arrayView(this));
  }

  private block(b: number): readonly KernelEvent[] {
    const hit = this.cache.get(b);
    if (hit) {
      // Most recently used last: the first key is the one to drop.
      this.cache.delete(b);
      this.cache.set(b, hit);
      return hit;
    }
    const spill = this.spill!;
    const events = JSON.parse(spill.codec.decode(this.blocks[b])) as KernelEvent[];
    if (this.cache.size >= spill.cacheBlocks) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(b, events);
    return events;
  }
}

/** A canonical array index ("0", "17"), else -1. */
function indexOf(prop: string | symbol): number {
  if (typeof prop !== 'string' || prop.length === 0) return -1;
  const c = prop.charCodeAt(0);
  if (c < 48 || c > 57 || (c === 48 && prop.length > 1)) return -1;
  const i = Number(prop);
  return Number.isSafeInteger(i) ? i : -1;
}

function readOnly(): never {
  throw new TypeError('a run\'s events are read-only: they enter the run through the kernel');
}

/** An array whose length and elements are the log's (Array methods, iteration and JSON work on it). */
function arrayView(log: EventLog): readonly KernelEvent[] {
  return new Proxy<KernelEvent[]>([], {
    get(target, prop, receiver) {
      if (prop === 'length') return log.length;
      const i = indexOf(prop);
      if (i >= 0) return log.get(i);
      return Reflect.get(target, prop, receiver) as unknown;
    },
    has(target, prop) {
      const i = indexOf(prop);
      return i >= 0 ? i < log.length : Reflect.has(target, prop);
    },
    getOwnPropertyDescriptor(target, prop) {
      if (prop === 'length') return { value: log.length, writable: true, enumerable: false, configurable: false };
      const i = indexOf(prop);
      if (i >= 0) return i < log.length ? { value: log.get(i), writable: false, enumerable: true, configurable: true } : undefined;
      return Reflect.getOwnPropertyDescriptor(target, prop);
    },
    ownKeys() {
      const keys: string[] = [];
      for (let i = 0; i < log.length; i++) keys.push(String(i));
      keys.push('length');
      return keys;
    },
    set: readOnly,
    defineProperty: readOnly,
    deleteProperty: readOnly,
  });
}
