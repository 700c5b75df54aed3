/**
 * Document signatures, made by the studio when a document is saved (WebCrypto ECDSA P-256 with
 * SHA-256). What is signed is each agent's digest and the policy's (kernel/trust/digest.ts); the
 * signature of a digest is over the UTF-8 bytes of its hex string. The public key travels in the
 * document as a JWK; the private key stays in this browser's settings table, non-extractable.
 *
 * A valid signature shows the signed parts were not edited since the holder of that key signed
 * them; `SignatureReport.signer` (an RFC 7638 thumbprint) tells whose key it was.
 */
import type { HarnessSpec, SignaturesSpec } from '../kernel';
import { specDigests } from '../kernel/trust/digest';
import { keyThumbprintHex, signerTrusted, type TrustedKey, type VerifiedDigests } from '../kernel';
import type { SettingStore } from './SettingStore';

/** The setting that holds this browser's signing key pair. */
export const SIGNING_KEY_SETTING = 'signing.key';

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;

/**
 * This browser's signing key pair, generated on first use. The pair is stored as CryptoKey
 * objects (structured-cloneable into IndexedDB), so the private key is created non-extractable
 * and no code path, export included, can read its bytes. A stored value that is not such a
 * pair is replaced; documents signed before keep verifying, as each carries its public key.
 */
export async function loadOrCreateSigningKey(settings: SettingStore): Promise<CryptoKeyPair> {
  const stored = await settings.get(SIGNING_KEY_SETTING);
  if (isSigningPair(stored)) return stored;
  const keys = await crypto.subtle.generateKey(ALGORITHM, false, ['sign', 'verify']);
  await settings.set(SIGNING_KEY_SETTING, { publicKey: keys.publicKey, privateKey: keys.privateKey });
  return keys;
}

function isSigningPair(v: unknown): v is CryptoKeyPair {
  if (typeof v !== 'object' || v === null) return false;
  const { publicKey, privateKey } = v as Partial<CryptoKeyPair>;
  const isEcKey = (k: CryptoKey | undefined, type: KeyType): boolean =>
    typeof k === 'object' && k !== null && k.type === type && k.algorithm?.name === 'ECDSA' && (k.algorithm as EcKeyAlgorithm).namedCurve === 'P-256';
  return isEcKey(publicKey, 'public') && isEcKey(privateKey, 'private') && privateKey!.usages.includes('sign');
}

/** Signs the spec's agent and policy digests with `keys`; `now` is the wall-clock time recorded as signedAt. */
export async function signSpec(spec: HarnessSpec, keys: CryptoKeyPair, now: number): Promise<SignaturesSpec> {
  const digests = specDigests(spec);
  const sign = async (digest: string) => ({ digest, sig: toBase64(new Uint8Array(await crypto.subtle.sign(SIGN, keys.privateKey, utf8(digest)))) });
  const agents: SignaturesSpec['agents'] = {};
  for (const [id, digest] of Object.entries(digests.agents)) agents[id] = await sign(digest);
  const jwk = await crypto.subtle.exportKey('jwk', keys.publicKey);
  return { publicKey: publicMembers(jwk), signedAt: now, agents, policy: await sign(digests.policy) };
}

/** How one signed part stands: its digest now, and the digest its signature records (null when unsigned). */
export interface SignatureCheck {
  /**
   * valid: the signature checks out and the part is unchanged; changed: the signature checks out
   * but the part was edited since (outside the studio); unsigned: no signature for it;
   * bad-signature: the recorded signature does not verify (tampered with, or another key).
   */
  status: 'valid' | 'changed' | 'unsigned' | 'bad-signature';
  digest: string;
  expected: string | null;
}

/** What verifySpec found, per agent and for the policy. */
export interface SignatureReport {
  /** The document carries a signatures section. */
  signed: boolean;
  agents: Record<string, SignatureCheck>;
  policy: SignatureCheck;
  /**
   * Only the recorded digests whose signatures checked out and whose signer is trusted: the kernel
   * compares its own digests against these. A signer outside the trust store given leaves none, and names itself.
   */
  verified: VerifiedDigests & { agents: Record<string, string> };
  /** RFC 7638 thumbprint of the signer's public key (compare with keyThumbprint of this browser's key), or null. */
  signer: string | null;
  /** The same SHA-256 as 64 hex digits (kernel/trust/signatureTrust.ts: how the trust store names keys), or null. */
  signerHex: string | null;
  /** Whether the signer is in the trust store given; null when none was given or the document is not signed by a valid key. */
  trusted: boolean | null;
}

/**
 * Checks each agent's and the policy's signature against the public key the document carries.
 * With `trust` (the host's trust store), a signature counts only when its key is in the store.
 */
export async function verifySpec(spec: HarnessSpec, trust?: readonly Pick<TrustedKey, 'thumbprint'>[]): Promise<SignatureReport> {
  const digests = specDigests(spec);
  const sigs = spec.signatures;
  const key = sigs ? await importPublic(sigs.publicKey) : null;
  const verified: SignatureReport['verified'] = { agents: {}, policy: null };
  const check = async (digest: string, recorded: { digest: string; sig: string } | undefined): Promise<SignatureCheck> => {
    if (!recorded) return { status: 'unsigned', digest, expected: null };
    const ok = key !== null && (await verifies(key, recorded));
    if (!ok) return { status: 'bad-signature', digest, expected: recorded.digest };
    return { status: recorded.digest === digest ? 'valid' : 'changed', digest, expected: recorded.digest };
  };
  const agents: Record<string, SignatureCheck> = {};
  for (const [id, digest] of Object.entries(digests.agents)) {
    const c = await check(digest, sigs?.agents[id]);
    agents[id] = c;
    if (c.status === 'valid' || c.status === 'changed') verified.agents[id] = c.expected!;
  }
  const policy = await check(digests.policy, sigs?.policy);
  if (policy.status === 'valid' || policy.status === 'changed') verified.policy = policy.expected;
  const signer = key && sigs ? await keyThumbprint(sigs.publicKey as JsonWebKey) : null;
  const signerHex = key && sigs ? keyThumbprintHex(publicMembers(sigs.publicKey as JsonWebKey)) : null;
  const trusted = trust && signerHex !== null ? signerTrusted(signerHex, trust) : null;
  // An unknown signer's signatures prove only that its holder signed: none of them counts.
  const counted: SignatureReport['verified'] = trusted === false ? { agents: {}, policy: null, untrustedSigner: signerHex! } : verified;
  return { signed: sigs !== undefined, agents, policy, verified: counted, signer, signerHex, trusted };
}

async function verifies(key: CryptoKey, recorded: { digest: string; sig: string }): Promise<boolean> {
  try {
    return await crypto.subtle.verify(SIGN, key, fromBase64(recorded.sig), utf8(recorded.digest));
  } catch {
    return false;
  }
}

/** Imports only the public members of the document's JWK; anything else in it is ignored. */
async function importPublic(jwk: Record<string, unknown>): Promise<CryptoKey | null> {
  try {
    return await crypto.subtle.importKey('jwk', publicMembers(jwk as JsonWebKey), ALGORITHM, true, ['verify']);
  } catch {
    return null;
  }
}

/** The members of an EC public JWK (RFC 7518 §6.2.1): never `d`, the private scalar. */
function publicMembers(jwk: JsonWebKey): Record<string, string> {
  const { kty, crv, x, y } = jwk;
  return { kty: String(kty), crv: String(crv), x: String(x), y: String(y) };
}

/** RFC 7638 JWK thumbprint of an EC public key: base64url SHA-256 of its required members in canonical form. */
export async function keyThumbprint(key: CryptoKey | JsonWebKey): Promise<string> {
  const jwk = isJwk(key) ? key : await crypto.subtle.exportKey('jwk', key);
  const { crv, kty, x, y } = publicMembers(jwk);
  const canonical = `{"crv":${JSON.stringify(crv)},"kty":${JSON.stringify(kty)},"x":${JSON.stringify(x)},"y":${JSON.stringify(y)}}`;
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(canonical)));
  return toBase64(hash).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function isJwk(key: CryptoKey | JsonWebKey): key is JsonWebKey {
  return 'kty' in key;
}

/** A copy of a raw document object with its `signatures` section set; anything but an object is returned as is. */
export function withSignatures(doc: unknown, sigs: SignaturesSpec): unknown {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return doc;
  return { ...(doc as Record<string, unknown>), signatures: JSON.parse(JSON.stringify(sigs)) as SignaturesSpec };
}

function utf8(text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(text);
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
