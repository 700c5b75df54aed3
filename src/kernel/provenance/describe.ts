/**
 * A change's provenance with what the document adds to the trace: the model's provider and
 * name as declared, the digest of the agent's prompt when the run checked no signature, the
 * tool's side effect, and the resource a change belongs to (what an artifact history groups by).
 */
import type { HarnessSpec, ToolSpec } from '../spec';
import { agentPayload, sha256Hex } from '../trust/digest';
import { mainArg } from '../trust/matcher';
import type { ChangeRecord } from './types';

/** A change as the studio shows it and an attestation carries it. */
export interface DescribedChange {
  record: ChangeRecord;
  who: {
    agent: string;
    /** SHA-256 of the agent's signed payload (trust/digest.ts agentPayload); null when the document has no such agent. */
    promptDigest: string | null;
    /** `signature`: checked against a verified signature during the run (`signed` says whether it matched); `document`: computed from the document, not signed. */
    digestFrom: 'signature' | 'document';
    signed: boolean;
  };
  /** The deciding turn's model, with its name as the document declares it. */
  model: (NonNullable<ChangeRecord['model']> & { name: string | null }) | null;
  /** The tool's declared side effect (`write`, `external`, …); `write` for built-in memory edits, artifacts and messages. */
  sideEffect: string;
  /** What its history is grouped by: `artifact NAME`, `TOOL(MAIN ARG)` for a tool that writes, else the subject. */
  resource: string;
}

/** Side effects that change nothing: calls with them are not shown as changes by default. */
/** The name a resource of `resourceHistories` is shown and attested by: an artifact's name, or the path a tool wrote (`fs_write(/a.md)` → `/a.md`). */
export function resourceName(resource: string): string {
  if (resource.startsWith('artifact ')) return resource.slice('artifact '.length);
  return /^[^(]+\((.*)\)$/.exec(resource)?.[1] ?? resource;
}

export const READ_ONLY_EFFECTS: readonly string[] = Object.freeze(['none', 'read']);

/** The change with the document's facts. */
export function describeChange(record: ChangeRecord, spec: HarnessSpec): DescribedChange {
  const agent = spec.agents.find((a) => a.id === record.agent);
  const digest = record.prompt?.digest ?? (agent ? promptDigest(spec, agent.id, agentPayload(agent)) : null);
  const model = record.model && { ...record.model, name: spec.models.find((m) => m.id === record.model!.id)?.name ?? null };
  const tool = record.tool === null ? undefined : spec.tools.find((t) => t.id === record.tool);
  return {
    record,
    who: { agent: record.agent, promptDigest: digest, digestFrom: record.prompt ? 'signature' : 'document', signed: record.prompt?.signed ?? false },
    model,
    sideEffect: record.kind === 'tool' ? (tool?.sideEffect ?? 'none') : 'write',
    resource: resourceOf(record, tool),
  };
}

/** The resource a change belongs to (see DescribedChange.resource). */
function resourceOf(record: ChangeRecord, tool: ToolSpec | undefined): string {
  if (record.kind !== 'tool' || !tool || READ_ONLY_EFFECTS.includes(tool.sideEffect) || !record.args) return record.subject;
  const arg = mainArg(record.args, tool.mainArg);
  return arg === null ? record.subject : `${record.tool}(${arg})`;
}

/**
 * The text a change left in its resource: what it wrote, or for a tool the `text` or `content`
 * argument it was given, else its arguments as canonical JSON.
 */
export function changeContent(record: ChangeRecord): string {
  if (record.content !== null) return record.content;
  const a = record.args ?? {};
  for (const key of ['text', 'content']) if (typeof a[key] === 'string') return a[key] as string;
  return JSON.stringify(a, Object.keys(a).sort());
}

const digests = new WeakMap<HarnessSpec, Map<string, string>>();

/** An agent's prompt digest, computed once per document. */
function promptDigest(spec: HarnessSpec, agent: string, payload: string): string {
  let m = digests.get(spec);
  if (!m) digests.set(spec, (m = new Map()));
  let d = m.get(agent);
  if (d === undefined) m.set(agent, (d = sha256Hex(payload)));
  return d;
}

/**
 * The histories of artifacts and of what tools wrote (`TOOL(MAIN ARG)`), oldest change first,
 * for changes up to `cursor`: the chains an artifact history shows and an attestation carries.
 */
export function resourceHistories(records: readonly ChangeRecord[], spec: HarnessSpec, cursor = Number.POSITIVE_INFINITY): Map<string, DescribedChange[]> {
  const out = new Map<string, DescribedChange[]>();
  for (const r of records) {
    if (r.seq > cursor) break;
    if (r.kind !== 'artifact' && r.kind !== 'tool') continue;
    const d = describeChange(r, spec);
    if (d.resource === r.subject && r.kind === 'tool') continue;
    const chain = out.get(d.resource);
    if (chain) chain.push(d);
    else out.set(d.resource, [d]);
  }
  return out;
}
