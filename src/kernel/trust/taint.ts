/**
 * Taint tracking in the CaMeL style (REFERENCES §3.2): every value carries the set of untrusted
 * sources it was derived from, derivation takes the union, and a privileged sink refuses a
 * tainted value until a human declassifies it. Trusted sources carry no label, so a value is
 * tainted iff its label set is non-empty; labels name one call, document, message or page each,
 * so declassifying a label vouches for exactly that piece of data and nothing else.
 */
import type { ModuleAnswer, OpRequest, PolicyModule } from './types';

/** Where untrusted data came from: a tool result, a store document, a message, a lazily read page. */
export type LabelKind = 'tool' | 'doc' | 'msg' | 'page';

/** A source label: `tool:<toolId>#<callId>`, `doc:<storeId>#<docId>`, `msg:<from>#<msgId>` or `page:<ref>`. */
export type TaintLabel =
  | `tool:${string}#${string}`
  | `doc:${string}#${string}`
  | `msg:${string}#${string}`
  | `page:${string}`;

/** What the taint module does with a tainted value at a privileged sink (the document's `policy.taint`). */
export type TaintPolicy = 'deny' | 'ask' | 'off';

/**
 * A source label: `labelOf('tool', toolId, callId)`, `labelOf('doc', storeId, docId)`,
 * `labelOf('msg', from, msgId)`. The sub-id makes it one value, not every result of the tool.
 */
export function labelOf<K extends Exclude<LabelKind, 'page'>>(kind: K, id: string, sub: string): `${K}:${string}#${string}`;
/** The label of an artifact or chunk read lazily by reference (`store:ID#N`, an artifact name…). */
export function labelOf(kind: 'page', ref: string): `page:${string}`;
export function labelOf(kind: LabelKind, id: string, sub?: string): string {
  return kind === 'page' ? `page:${id}` : `${kind}:${id}#${sub ?? ''}`;
}

/** The labels of a value derived from several: the union, sorted and unique (CaMeL: sources ∪). */
export function joinLabels(...sets: readonly (readonly string[])[]): string[] {
  const all = new Set<string>();
  for (const set of sets) for (const label of set) all.add(label);
  return [...all].sort();
}

/** What is still untrusted once a human's declassifications are taken away; empty means the value may flow. */
export function residualTaint(labels: readonly string[], declassified: Pick<ReadonlySet<string>, 'has'>): string[] {
  return labels.filter((label) => !declassified.has(label));
}

const TAINT_HOOKS = Object.freeze(['tool.call', 'msg.send'] as const);

/** How a sink reads in a reason: the tool, or for messages the recipient. */
function sinkName(req: OpRequest): string {
  return req.hook === 'msg.send' ? `sending to ${req.target}` : req.tool;
}

/** Why the request is a sink (the gate's classification, trust/sinks.ts), else by its side effect alone. */
function sinkReason(req: OpRequest): string | null {
  if (req.sink !== undefined) return req.sink;
  if (req.sideEffect === 'privileged') return 'is a privileged sink';
  return req.sideEffect === 'external' ? 'has an external side effect (it leaves the machine)' : null;
}

/**
 * The taint module: a sink that leaves the agent's session (trust/sinks.ts: privileged, external,
 * core memory, persistence outside the session tier, a remote read's arguments) refuses values
 * that derive from an untrusted source no human has declassified — deny by default, the reason
 * naming the sink, why it is one and the labels. `policy` is the document's `policy.taint`.
 * `declassified` holds the labels humans declassified; the kernel adds a request's labels to it
 * when a human approves its `declassify` ask, and the module reads it on every check, so a
 * later value that also derives from a fresh untrusted source is still refused.
 * Untainted requests, non-privileged sinks and policy 'off' raise no objection (null).
 */
export function taintModule(policy: TaintPolicy, declassified: Pick<ReadonlySet<string>, 'has'>): PolicyModule {
  return Object.freeze({
    name: 'taint',
    hooks: TAINT_HOOKS,
    check(req: OpRequest): ModuleAnswer {
      if (policy === 'off') return null;
      if (req.hook !== 'tool.call' && req.hook !== 'msg.send') return null;
      const why = sinkReason(req);
      if (why === null) return null;
      const residual = residualTaint(joinLabels(req.taint), declassified);
      if (residual.length === 0) return null;
      const sink = sinkName(req);
      const verb = req.hook === 'msg.send' ? 'its text derives' : 'its arguments derive';
      const base = { module: 'taint', rule: 'taint', scope: 'kernel', code: 'tainted-sink' } as const;
      const from = `${residual.join(', ')} (untrusted)`;
      return policy === 'ask'
        ? { ...base, effect: 'ask', ask: 'declassify', reason: `${sink} ${why} and ${verb} from ${from}; declassify to let it through` }
        : { ...base, effect: 'deny', reason: `${sink} ${why} and ${verb} from ${from}` };
    },
  });
}
