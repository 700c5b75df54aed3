import type { KernelState, Proc } from '../state/state';
import type { KernelEventBody } from '../trace/events';

/**
 * A lazy page fault: a referenced artifact, store chunk or scratch space is materialised on
 * first access, with a typed outcome — copy-on-write clone of an artifact, archive fetch,
 * zero-fill for new scratch space, retry while a live agent may still write it, or failure.
 */
export function decideLazyFault(s: Readonly<KernelState>, p: Proc, ref: string, as: string | undefined, countTokens: (text: string) => number): KernelEventBody {
  const base = { type: 'mem.faulted' as const, agent: p.id, mode: 'lazy' as const, ref, ...(as === undefined ? {} : { as }) };
  // Labels at rest come back with the page: an artifact or chunk derived from untrusted data stays untrusted.
  const ok = (outcome: 'zero-fill' | 'archive' | 'cow', text: string, trust: 'trusted' | 'untrusted', valid: boolean, detail: string, taint: readonly string[] = []): KernelEventBody =>
    ({ ...base, outcome, text, tokens: countTokens(text), trust: taint.length > 0 ? 'untrusted' : trust, valid, detail, ...(taint.length > 0 ? { taint: [...taint] } : {}) });
  const fail = (outcome: 'retry' | 'failed', detail: string): KernelEventBody => ({ ...base, outcome, text: '', tokens: 0, trust: 'trusted', valid: true, detail });
  const [scheme, rest = ''] = ref.split(/:(.*)/s, 2) as [string, string?];
  if (scheme === 'new') return ok('zero-fill', '', 'trusted', true, `new scratch space "${rest}", zero-filled`);
  if (scheme === 'artifact') {
    const a = s.artifacts[rest];
    if (a) return ok('cow', a.text, 'trusted', true, `artifact "${rest}" by ${a.agent}, cloned copy-on-write`, a.taint);
    const writers = s.order.filter((id) => id !== p.id && s.procs[id]!.state !== 'done' && s.procs[id]!.state !== 'failed');
    return writers.length > 0
      ? fail('retry', `artifact "${rest}" does not exist yet; ${writers.join(', ')} may still write it: retrying next turn`)
      : fail('failed', `artifact "${rest}" does not exist and no running agent can write it`);
  }
  if (scheme === 'store') {
    const [store = '', id = ''] = rest.split('#');
    const base = s.stores[store];
    if (!base) return fail('failed', `no store "${store}"`);
    // A session-tier store as this agent sees it: the base, then its own copy-on-write writes.
    const own = s.views[store]?.[p.id];
    const docs = own && own.length > 0 ? [...base, ...own] : base;
    const doc = docs.find((d) => d.id === `${store}#${id}` || d.id === id) ?? docs[Number(id)];
    return doc ? ok('archive', doc.text, doc.trust, doc.valid, `fetched ${doc.id} from ${store}`, doc.taint) : fail('failed', `no chunk "${id}" in ${store}`);
  }
  return fail('failed', `cannot resolve "${ref}": use artifact:NAME, store:ID#N or new:NAME`);
}
