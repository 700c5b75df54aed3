/**
 * The spec hash: what a run records of the document it ran. Its own module so the page can
 * compare a trace's document with the open one without pulling in the kernel (and its tokenizer).
 */
import type { HarnessSpec } from './spec';
import { hashText } from './trace/hash';

const specHashes = new WeakMap<HarnessSpec, string>();

/** The hash of a document as the kernel sees it (layout left out: moving nodes changes nothing). */
export function specHash(spec: HarnessSpec): string {
  let h = specHashes.get(spec);
  if (h === undefined) {
    // Layout and signatures say nothing about behaviour: re-arranging or re-signing is not an edit.
    const { layout: _layout, signatures: _signatures, ...rest } = spec;
    specHashes.set(spec, (h = hashText(JSON.stringify(rest))));
  }
  return h;
}
