/**
 * Anchored signatures (#17): a valid signature only says the signed parts are as the key's holder
 * left them; whose key it was decides whether it counts. The host keeps a trust store (this
 * browser's own key, the project's trusted keys and the org's key list) outside the document it
 * protects — a list inside the document could be rewritten by whoever re-signs it — and tells the
 * kernel when a document's signer is not in it. Pure: thumbprints are SHA-256 over RFC 7638's
 * canonical JWK, computed with @noble/hashes, so the CLI, the worker and tests agree.
 */
import { sha256Hex } from './digest';

/** A signer key the trust store holds: its thumbprint (64 lowercase hex digits) and a name for people. */
export interface TrustedKey {
  thumbprint: string;
  label: string;
  /** Where it is trusted: every project of this browser (`org`) or one project. */
  scope: 'org' | 'project';
}

/** The members RFC 7638 §3.2 requires of an EC public key, in canonical order. */
const EC_MEMBERS = ['crv', 'kty', 'x', 'y'] as const;

/**
 * The thumbprint of an EC public key (a JWK): SHA-256 of its RFC 7638 canonical form, as 64
 * lowercase hex digits. Throws, saying which member, when the key lacks one.
 */
export function keyThumbprintHex(jwk: Readonly<Record<string, unknown>>): string {
  for (const m of EC_MEMBERS) {
    if (typeof jwk[m] !== 'string' || jwk[m] === '') throw new Error(`the public key has no "${m}" member (an EC P-256 JWK needs crv, kty, x and y)`);
  }
  const canonical = `{${EC_MEMBERS.map((m) => `${JSON.stringify(m)}:${JSON.stringify(jwk[m])}`).join(',')}}`;
  return sha256Hex(canonical);
}

/** A thumbprint as people read it: hex in groups of four (`3f2a 9c01 …`), 16 groups. */
export function formatThumbprint(hex: string): string {
  return hex.replace(/(.{4})(?!$)/g, '$1 ');
}

/**
 * A thumbprint as typed or pasted (any case, spaces or colons between groups) as 64 lowercase hex
 * digits, or an error saying what is wrong with it.
 */
export function parseThumbprint(text: string): { ok: true; thumbprint: string } | { ok: false; error: string } {
  const hex = text.replace(/[\s:]/g, '').toLowerCase();
  if (!/^[0-9a-f]*$/.test(hex)) return { ok: false, error: 'a thumbprint is hexadecimal (0-9, a-f), optionally in groups' };
  if (hex.length !== 64) return { ok: false, error: `a SHA-256 thumbprint has 64 hex digits; this has ${hex.length}` };
  return { ok: true, thumbprint: hex };
}

/** Whether the signer with `thumbprint` is in the trust store (any scope). */
export function signerTrusted(thumbprint: string, store: readonly Pick<TrustedKey, 'thumbprint'>[]): boolean {
  return store.some((k) => k.thumbprint === thumbprint);
}

/** Why a signer's signatures do not count: the sentence a `trust.signature` event and the policy panel show. */
export function untrustedSignerReason(thumbprint: string): string {
  return `the document is signed by an unknown key (SHA-256 thumbprint ${formatThumbprint(thumbprint)}): it is not in this project's or the org's trusted keys`;
}
