/**
 * An artifact's provenance as a JSON attestation in the in-toto Statement v1 layout
 * (https://github.com/in-toto/attestation/blob/main/spec/v1/statement.md): the subject is the
 * artifact's content by name and SHA-256, the predicate is the chain of changes that made it.
 * It carries digests, ids, rules and labels, never the text of prompts, inputs or secrets.
 */
import { sha256Hex } from '../trust/digest';
import { changeContent, type DescribedChange } from './describe';
import { reviewAt } from './provenanceLog';

/** The predicate type of Harness Studio's change provenance. */
export const PROVENANCE_PREDICATE = 'https://harness.studio/provenance/change-chain/v1';

/** One link of the chain: one version of the artifact. */
export interface AttestedChange {
  seq: number;
  kind: string;
  /** SHA-256 of the content this change left. */
  digest: { sha256: string };
  who: { agent: string; promptDigest: { sha256: string } | null; promptDigestFrom: 'signature' | 'document'; signed: boolean };
  model: { id: string; provider: string; name: string | null; reportedVersion: string | null; turn: number } | null;
  authority: { rule: string; scope: string; module: string; mode: string | null; handle: string | null; approvedByPerson: { seq: number; rememberedRule: string | null } | null };
  inputs: { taint: string[]; sources: { source: string; trust: string; tokens: number; taint: string[] }[] | null };
  review: { status: string; seq: number | null };
}

export interface ProvenanceStatement {
  _type: 'https://in-toto.io/Statement/v1';
  subject: { name: string; digest: { sha256: string } }[];
  predicateType: typeof PROVENANCE_PREDICATE;
  predicate: {
    run: { id: string; seed: number; specHash: string; at: number };
    harness: string;
    resource: string;
    chain: AttestedChange[];
  };
}

/**
 * The attestation of resource `name` as it stood after event `at`, from its chain of changes
 * (oldest first). The subject's digest is of `content`, the resource's text now (an artifact
 * after rollbacks), else of what the last change left. Throws when the chain is empty.
 */
export function provenanceStatement(name: string, chain: readonly DescribedChange[], run: { id: string; seed: number; specHash: string; harness: string }, at: number, content?: string): ProvenanceStatement {
  const last = chain[chain.length - 1];
  if (!last) throw new Error(`no change made ${name} before #${at}`);
  return {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name, digest: { sha256: sha256Hex(content ?? changeContent(last.record)) } }],
    predicateType: PROVENANCE_PREDICATE,
    predicate: {
      run: { id: run.id, seed: run.seed, specHash: run.specHash, at },
      harness: run.harness,
      resource: last.resource,
      chain: chain.map((c) => attested(c, at)),
    },
  };
}

function attested(c: DescribedChange, at: number): AttestedChange {
  const r = c.record;
  const a = r.authority;
  return {
    seq: r.seq,
    kind: r.kind,
    digest: { sha256: sha256Hex(changeContent(r)) },
    who: { agent: c.who.agent, promptDigest: c.who.promptDigest === null ? null : { sha256: c.who.promptDigest }, promptDigestFrom: c.who.digestFrom, signed: c.who.signed },
    model: c.model && { id: c.model.id, provider: c.model.provider, name: c.model.name, reportedVersion: c.model.reported, turn: c.model.turn },
    authority: { rule: a.rule, scope: a.scope, module: a.module, mode: a.mode, handle: a.handle, approvedByPerson: a.approvedBy && { seq: a.approvedBy.seq, rememberedRule: a.approvedBy.remembered } },
    inputs: { taint: [...r.inputs.taint], sources: r.inputs.sources && r.inputs.sources.map((s) => ({ ...s, taint: [...s.taint] })) },
    review: { status: reviewAt(r, at), seq: [...r.reviews].reverse().find((x) => x.seq <= at)?.seq ?? null },
  };
}
