/**
 * Provenance on every change: who made it (agent, prompt digest), with what model, by which
 * authority, from which inputs, and its review status. A pure derivation over the trace
 * (ProvenanceLog, fed by the projection) and the document (describeChange); attestations of an
 * artifact's chain in the in-toto Statement v1 layout.
 */
export { ProvenanceLog, provenanceOf, reviewAt, windowSources } from './provenanceLog';
export { changeOf } from './changes';
export { reviewProblem } from './review';
export { describeChange, changeContent, resourceHistories, resourceName, READ_ONLY_EFFECTS, type DescribedChange } from './describe';
export { provenanceStatement, PROVENANCE_PREDICATE, type AttestedChange, type ProvenanceStatement } from './attestation';
export { REVIEW_STATUSES, SIM_VERSION, type ChangeAuthority, type ChangeKind, type ChangeRecord, type ReviewStatus, type SourceRef } from './types';
