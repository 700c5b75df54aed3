/**
 * The trust store through the worker: a document signed by a key this browser does not trust is
 * refused under requireSigned, naming the key; trusting the key (by its thumbprint) lets it run.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { keyThumbprintHex, parseHarness, type KernelEvent } from '../kernel';
import type { StudioDb } from '../persist';
import { signSpec, withSignatures } from '../persist/signing';
import { connect, freshDb, type Connection } from './testing/testChannel';

const open: Array<Connection | StudioDb> = [];
afterEach(async () => {
  for (const x of open.splice(0).reverse()) {
    if ('remote' in x) await x.close();
    else x.close();
  }
});

async function foreignSigned(): Promise<{ doc: unknown; hex: string }> {
  const doc = JSON.parse(readFileSync('public/examples/approvals.json', 'utf8')) as Record<string, any>;
  doc.policy.requireSigned = true;
  const r = parseHarness(doc);
  if (!r.ok) throw new Error('bad example');
  const keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const hex = keyThumbprintHex((await crypto.subtle.exportKey('jwk', keys.publicKey)) as Record<string, unknown>);
  return { doc: withSignatures(doc, await signSpec(r.spec, keys, 1)), hex };
}

describe('trusted signer keys', () => {
  it('refuse a document signed by an unknown key until its key is trusted', async () => {
    const db = freshDb();
    const c = connect(db);
    open.push(db, c);
    const { doc, hex } = await foreignSigned();
    const project = await c.remote.createProject('Foreign', doc);
    const grouped = hex.replace(/(.{4})(?!$)/g, '$1 ');

    expect(await c.remote.signatureStanding(project.id, doc)).toMatchObject({ status: 'untrusted', signer: grouped, refusal: expect.stringContaining(grouped) });
    const refused = await c.remote.startRun(project.id, doc, 1);
    if (!refused.ok) throw new Error('start failed');
    const events: KernelEvent[] = await c.remote.loadEvents(refused.run.id, 0, refused.run.head);
    const checks = events.filter((e) => e.type === 'trust.signature');
    expect(checks.map((e) => (e.type === 'trust.signature' ? [e.ok, e.decision.reason.includes(grouped)] : null))).toEqual([[false, true], [false, true]]);

    const added = await c.remote.addTrustedKey(project.id, 'project', grouped, 'Kim');
    expect(added).toMatchObject({ thumbprint: hex, shown: grouped, scope: 'project', label: 'Kim' });
    expect((await c.remote.trustedKeys(project.id)).map((k) => k.label)).toEqual(['this browser', 'Kim']);
    expect(await c.remote.signatureStanding(project.id, doc)).toMatchObject({ status: 'trusted', refusal: null });
    const ran = await c.remote.startRun(project.id, doc, 1);
    if (!ran.ok) throw new Error('start failed');
    const after = await c.remote.loadEvents(ran.run.id, 0, ran.run.head);
    expect(after.filter((e) => e.type === 'trust.signature').every((e) => e.type === 'trust.signature' && e.ok)).toBe(true);

    await c.remote.removeTrustedKey(project.id, 'project', hex);
    expect((await c.remote.signatureStanding(project.id, doc)).status).toBe('untrusted');
  });
});
