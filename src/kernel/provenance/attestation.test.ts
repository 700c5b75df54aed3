import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Kernel } from '../kernel';
import { asRunId } from '../ids';
import { parseHarness, type HarnessSpec } from '../spec';
import { cliAnswers, runToStop } from '../runToStop';
import { Projection } from '../trace/projection';
import { sha256Hex } from '../trust/digest';
import { PROVENANCE_PREDICATE, provenanceStatement, resourceHistories } from '.';

function spec(name: string): HarnessSpec {
  const r = parseHarness(readFileSync(new URL(`../../../public/examples/${name}.json`, import.meta.url), 'utf8'));
  if (!r.ok) throw new Error(name);
  return r.spec;
}

async function runOf(s: HarnessSpec, approveRemember: boolean) {
  const k = Kernel.create(s, { runId: asRunId('t'), seed: 1 });
  await k.runUntil({ maxEvents: 10_000 });
  const ask = k.openAsks()[0];
  if (ask) k.submit({ kind: 'approve', callId: ask.callId, remember: approveRemember });
  await runToStop(k, cliAnswers('all'));
  const p = new Projection();
  p.append(k.events);
  return { k, records: p.provenance.records() };
}

describe('provenance attestation (in-toto Statement v1)', () => {
  it('names the resource by the SHA-256 of its content and carries the chain, the approval by a person in it', async () => {
    const s = spec('approvals');
    const { k, records } = await runOf(s, true);
    const chain = resourceHistories(records, s).get('fs_write(/workspace/report.md)')!;
    expect(chain.map((c) => c.record.seq)).toHaveLength(2);
    const approved = k.events.find((e) => e.type === 'tool.approved')!;
    const st = provenanceStatement('/workspace/report.md', chain, { id: 't', seed: 1, specHash: 'abc', harness: 'Approvals' }, k.head);
    expect(Object.keys(st)).toEqual(['_type', 'subject', 'predicateType', 'predicate']);
    expect(st._type).toBe('https://in-toto.io/Statement/v1');
    expect(st.predicateType).toBe(PROVENANCE_PREDICATE);
    expect(st.subject).toEqual([{ name: '/workspace/report.md', digest: { sha256: sha256Hex('Second draft.') } }]);
    expect(st.predicate.chain.map((c) => c.digest.sha256)).toEqual([sha256Hex('Paging moves context between the window and the archive.'), sha256Hex('Second draft.')]);
    expect(st.predicate.chain[0]).toMatchObject({
      who: { agent: 'writer', promptDigest: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }, promptDigestFrom: 'document', signed: false },
      model: { id: 'sim', provider: 'sim', name: 'Sim', reportedVersion: 'harness-sim/1' },
      authority: { rule: 'session-1', module: 'human', approvedByPerson: { seq: approved.seq, rememberedRule: 'session-1' } },
      review: { status: 'unreviewed', seq: null },
    });
    expect(st.predicate.chain[1]!.authority).toMatchObject({ module: 'rules', approvedByPerson: { seq: approved.seq } });
    // Digests and ids only: the text written is not in it.
    expect(JSON.stringify(st)).not.toContain('Second draft');
    // Plain JSON: a round trip keeps it.
    expect(JSON.parse(JSON.stringify(st))).toEqual(st);
  });

  it('carries no secret: the vault value the injected assistant read is not in its summary\'s attestation', async () => {
    const s = spec('injection');
    const { k, records } = await runOf(s, false);
    const chain = resourceHistories(records, s).get('artifact summary.md')!;
    const st = provenanceStatement('summary.md', chain, { id: 't', seed: 1, specHash: 'x', harness: 'Injection' }, k.head);
    expect(st.predicate.chain[0]!.inputs.sources!.map((x) => x.source)).toContain('tool:vault_read');
    expect(JSON.stringify(st)).not.toContain('sk-live');
  });

  it('refuses an empty chain with what is missing', () => {
    expect(() => provenanceStatement('x', [], { id: 't', seed: 1, specHash: '', harness: '' }, 4)).toThrow('no change made x before #4');
  });
});
