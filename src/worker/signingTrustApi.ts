/**
 * The policy panel's trust store over the worker boundary: list, add and remove trusted signer
 * keys (persist/signingTrust.ts), and say how the open document's signature stands against
 * them — including, when a run would refuse it, why (the signer's thumbprint).
 */
import { formatThumbprint, parseHarness, untrustedSignerReason, type TrustedKey } from '../kernel';
import { addTrustedKey, removeTrustedKey, trustStore, type ListedKey } from '../persist/signingTrust';
import { verifySpec } from '../persist/signing';
import type { SettingStore } from '../persist/SettingStore';

/** A trusted key as the panel shows it: its thumbprint in hex groups besides the raw one. */
export interface TrustedKeySummary extends ListedKey {
  shown: string;
}

/** How the open document's signature stands. */
export interface SignatureStanding {
  /** unsigned: no signatures yet (a run signs it with this browser's key); trusted / untrusted: by its signer; invalid: does not parse. */
  status: 'unsigned' | 'trusted' | 'untrusted' | 'invalid';
  /** The signer's thumbprint in hex groups, or null. */
  signer: string | null;
  /** Why a run under requireSigned refuses it (null when it does not). */
  refusal: string | null;
}

/** The trust-store half of StudioApi. */
export interface SigningTrustStudioApi {
  /** Every key trusted for the project: this browser's own, the org's list, the project's. */
  trustedKeys(projectId: string): Promise<TrustedKeySummary[]>;
  /** Trusts a key (an EC public JWK or a hex thumbprint) for the org or the project; rejects saying what is wrong with it. */
  addTrustedKey(projectId: string, scope: TrustedKey['scope'], key: string, label: string): Promise<TrustedKeySummary>;
  removeTrustedKey(projectId: string, scope: TrustedKey['scope'], thumbprint: string): Promise<void>;
  /** How `doc`'s signature stands against the project's trust store. */
  signatureStanding(projectId: string, doc: unknown): Promise<SignatureStanding>;
}

const summary = (k: ListedKey): TrustedKeySummary => ({ ...k, shown: formatThumbprint(k.thumbprint) });

/** The trust-store calls, over the worker's settings and this browser's signing key. */
export function signingTrustApi(settings: SettingStore, signingKey: () => Promise<CryptoKeyPair>): SigningTrustStudioApi {
  const ownJwk = async () => crypto.subtle.exportKey('jwk', (await signingKey()).publicKey);
  const storeOf = async (projectId: string) => trustStore(settings, projectId, await ownJwk());
  return {
    async trustedKeys(projectId) {
      return (await storeOf(projectId)).map(summary);
    },
    async addTrustedKey(projectId, scope, key, label) {
      return summary(await addTrustedKey(settings, projectId, scope, key, label));
    },
    removeTrustedKey(projectId, scope, thumbprint) {
      return removeTrustedKey(settings, projectId, scope, thumbprint);
    },
    async signatureStanding(projectId, doc) {
      const parsed = parseHarness(doc);
      if (!parsed.ok) return { status: 'invalid', signer: null, refusal: null };
      if (!parsed.spec.signatures) return { status: 'unsigned', signer: null, refusal: null };
      const report = await verifySpec(parsed.spec, await storeOf(projectId));
      const signer = report.signerHex === null ? null : formatThumbprint(report.signerHex);
      if (report.trusted === false) return { status: 'untrusted', signer, refusal: untrustedSignerReason(report.signerHex!) };
      return { status: report.trusted ? 'trusted' : 'untrusted', signer, refusal: report.trusted ? null : 'the document\'s public key cannot be read' };
    },
  };
}

/** The project's trust store as verifySpec takes it. */
export async function trustFor(settings: SettingStore, projectId: string, signingKey: () => Promise<CryptoKeyPair>): Promise<ListedKey[]> {
  return trustStore(settings, projectId, await crypto.subtle.exportKey('jwk', (await signingKey()).publicKey));
}
