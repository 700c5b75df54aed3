/**
 * The trusted-keys file: a trust store of signer keys as one JSON file, so keys move between the
 * studio (Policy → Trusted keys: Export / Import) and the CLI (`--trusted-keys FILE`,
 * `HARNESS_TRUSTED_KEYS`, `harness keys`). It names keys by thumbprint (signatureTrust.ts) and
 * holds public material only: an entry may carry the public key (JWK) its thumbprint is computed
 * from, never a private member. Pure, so both sides read and write the same bytes.
 *
 *   { "kind": "harness-trusted-keys", "version": 1,
 *     "keys": [ { "thumbprint": "3f2a…(64 hex)", "label": "Kim" }, { "publicKey": { "kty": "EC", … }, "label": "CI" } ] }
 */
import { keyThumbprintHex, parseThumbprint } from './signatureTrust';

/** The `kind` a trusted-keys file declares. */
export const TRUSTED_KEYS_KIND = 'harness-trusted-keys';

/** A key of a trusted-keys file: its thumbprint (64 lowercase hex digits) and a name for people. */
export interface TrustedKeyEntry {
  thumbprint: string;
  label: string;
}

/** JWK members that are private material (RFC 7518 §6.2.2, §6.3.2): a trust store never holds them. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'] as const;

/**
 * Reads a trusted-keys file. Every problem is named by where it is (`keys[2].thumbprint`) and what
 * is wrong; one wrong entry refuses the file, so a typo never silently trusts fewer keys than meant.
 * A key listed twice is kept once (its first label).
 */
export function parseTrustedKeysFile(text: string): { ok: true; keys: TrustedKeyEntry[] } | { ok: false; errors: string[] } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    return { ok: false, errors: [`not valid JSON: ${err instanceof Error ? err.message : String(err)}`] };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return { ok: false, errors: [`expected a JSON object {"kind": "${TRUSTED_KEYS_KIND}", "version": 1, "keys": [...]}`] };
  const o = doc as Record<string, unknown>;
  if (o.kind !== TRUSTED_KEYS_KIND) return { ok: false, errors: [`kind: expected "${TRUSTED_KEYS_KIND}", found ${JSON.stringify(o.kind ?? null)} (is this a trusted-keys file?)`] };
  if (o.version !== 1) return { ok: false, errors: [`version: expected 1, found ${JSON.stringify(o.version ?? null)}`] };
  if (!Array.isArray(o.keys)) return { ok: false, errors: ['keys: expected a list of keys'] };
  const errors: string[] = [];
  const keys: TrustedKeyEntry[] = [];
  const seen = new Set<string>();
  o.keys.forEach((raw, i) => {
    const at = `keys[${i}]`;
    const entry = trustedKeyEntry(raw);
    if (!entry.ok) {
      errors.push(`${at}${entry.error}`);
      return;
    }
    if (seen.has(entry.key.thumbprint)) return;
    seen.add(entry.key.thumbprint);
    keys.push(entry.key);
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, keys };
}

/** One entry: `{thumbprint, label}` or `{publicKey, label}` (both: they must agree). The error starts with the member's path. */
function trustedKeyEntry(raw: unknown): { ok: true; key: TrustedKeyEntry } | { ok: false; error: string } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, error: ': expected an object with a "thumbprint" (or a "publicKey") and a "label"' };
  const e = raw as Record<string, unknown>;
  if (e.label !== undefined && typeof e.label !== 'string') return { ok: false, error: `.label: expected a string, found ${JSON.stringify(e.label)}` };
  let fromKey: string | null = null;
  if (e.publicKey !== undefined) {
    const jwk = e.publicKey;
    if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) return { ok: false, error: '.publicKey: expected a public key as a JWK object' };
    const secret = PRIVATE_MEMBERS.find((m) => m in jwk);
    if (secret !== undefined) return { ok: false, error: `.publicKey: holds private key material ("${secret}"): a trusted-keys file holds public keys only; remove the key and export its public half` };
    try {
      fromKey = keyThumbprintHex(jwk as Record<string, unknown>);
    } catch (err) {
      return { ok: false, error: `.publicKey: ${err instanceof Error ? err.message : String(err)}` };
    }
  }
  let thumbprint = fromKey;
  if (e.thumbprint !== undefined) {
    if (typeof e.thumbprint !== 'string') return { ok: false, error: `.thumbprint: expected a string of 64 hex digits, found ${JSON.stringify(e.thumbprint)}` };
    const parsed = parseThumbprint(e.thumbprint);
    if (!parsed.ok) return { ok: false, error: `.thumbprint: ${parsed.error}` };
    if (fromKey !== null && fromKey !== parsed.thumbprint) return { ok: false, error: `.thumbprint: is not the thumbprint of its publicKey (${fromKey})` };
    thumbprint = parsed.thumbprint;
  }
  if (thumbprint === null) return { ok: false, error: ': has neither a "thumbprint" nor a "publicKey"' };
  return { ok: true, key: { thumbprint, label: typeof e.label === 'string' ? e.label : '' } };
}

/**
 * A trusted-keys file holding `keys` (thumbprints and labels only), as the CLI and the studio
 * write it; a key listed twice (say, in the org's list and a project's) is written once.
 */
export function trustedKeysFileText(keys: readonly TrustedKeyEntry[]): string {
  const seen = new Set<string>();
  const unique = keys.filter((k) => !seen.has(k.thumbprint) && seen.add(k.thumbprint));
  const out = { kind: TRUSTED_KEYS_KIND, version: 1, keys: unique.map((k) => ({ thumbprint: k.thumbprint, label: k.label })) };
  return `${JSON.stringify(out, null, 2)}\n`;
}
