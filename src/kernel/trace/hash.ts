/**
 * The trace hash: FNV-1a 64-bit over the UTF-8 bytes of each event's canonical JSON, in seq
 * order, each followed by a newline. The canonical form drops fields that differ between two
 * runs of the same document and seed: the run id and any wall-clock field (`wall`).
 */
import type { KernelEvent } from './events';

/** The event as hashed: JSON with `run` and `wall` left out (key order is the kernel's). */
export function canonicalEvent(e: KernelEvent): string {
  return JSON.stringify(e, (key, value) => (key === 'run' || key === 'wall' ? undefined : value));
}

/** Incremental FNV-1a 64 in four 16-bit limbs (no BigInt in the hot loop). */
export class TraceHasher {
  private h0 = 0x2325;
  private h1 = 0x8422;
  private h2 = 0x9ce4;
  private h3 = 0xcbf2;

  private byte(b: number): void {
    const h0 = this.h0 ^ b;
    const t0 = h0 * 0x1b3;
    let t1 = this.h1 * 0x1b3;
    let t2 = this.h2 * 0x1b3 + (h0 << 8);
    const t3 = this.h3 * 0x1b3 + (this.h1 << 8);
    t1 += t0 >>> 16;
    this.h0 = t0 & 0xffff;
    t2 += t1 >>> 16;
    this.h1 = t1 & 0xffff;
    this.h3 = (t3 + (t2 >>> 16)) & 0xffff;
    this.h2 = t2 & 0xffff;
  }

  update(text: string): void {
    for (let i = 0; i < text.length; i++) {
      let c = text.charCodeAt(i);
      if (c < 0x80) this.byte(c);
      else if (c < 0x800) {
        this.byte(0xc0 | (c >> 6));
        this.byte(0x80 | (c & 63));
      } else {
        if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) {
          const lo = text.charCodeAt(i + 1);
          if (lo >= 0xdc00 && lo < 0xe000) {
            c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
            i++;
            this.byte(0xf0 | (c >> 18));
            this.byte(0x80 | ((c >> 12) & 63));
            this.byte(0x80 | ((c >> 6) & 63));
            this.byte(0x80 | (c & 63));
            continue;
          }
        }
        this.byte(0xe0 | (c >> 12));
        this.byte(0x80 | ((c >> 6) & 63));
        this.byte(0x80 | (c & 63));
      }
    }
  }

  addEvent(e: KernelEvent): void {
    this.update(canonicalEvent(e));
    this.byte(0x0a);
  }

  digest(): string {
    const hex = (n: number): string => n.toString(16).padStart(4, '0');
    return hex(this.h3) + hex(this.h2) + hex(this.h1) + hex(this.h0);
  }
}

/** The hash of a whole trace, as 16 hex digits. */
export function traceHash(events: Iterable<KernelEvent>): string {
  const h = new TraceHasher();
  for (const e of events) h.addEvent(e);
  return h.digest();
}

/** FNV-1a 64 of one string (used for spec hashes). */
export function hashText(text: string): string {
  const h = new TraceHasher();
  h.update(text);
  return h.digest();
}
