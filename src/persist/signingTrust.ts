/**
 * The trust store of signer keys, kept in this browser's settings table — outside the documents
 * it judges, so re-signing a document cannot also add its signer. Two lists: the org's keys
 * (every project in this browser) and each project's own; this browser's signing key is always
 * trusted. Keys are named by thumbprint (kernel/trust/signatureTrust.ts).
 */
import { keyThumbprintHex, parseThumbprint, type TrustedKey } from '../kernel';
import type { SettingStore } from './SettingStore';

/** The setting holding the org's key list. */
export const ORG_KEYS_SETTING = 'trust.keys.org';
/** The setting holding one project's trusted keys. */
export const projectKeysSetting = (projectId: string): string => `trust.keys.project.${projectId}`;

/** A key of the store as the policy panel lists it; `own`: this browser's key (cannot be removed). */
export interface ListedKey extends TrustedKey {
  own?: boolean;
}

function keysIn(v: unknown, scope: TrustedKey['scope']): TrustedKey[] {
  if (!Array.isArray(v)) return [];
  return v.filter((k): k is TrustedKey => typeof k === 'object' && k !== null && typeof (k as TrustedKey).thumbprint === 'string')
    .map((k) => ({ thumbprint: k.thumbprint, label: typeof k.label === 'string' ? k.label : '', scope }));
}

/** Every key trusted for `projectId`: this browser's own first, then the org's, then the project's. */
export async function trustStore(settings: SettingStore, projectId: string, ownKey: JsonWebKey): Promise<ListedKey[]> {
  const own: ListedKey = { thumbprint: keyThumbprintHex(ownKey as Record<string, unknown>), label: 'this browser', scope: 'org', own: true };
  return [own, ...keysIn(await settings.get(ORG_KEYS_SETTING), 'org'), ...keysIn(await settings.get(projectKeysSetting(projectId)), 'project')];
}

/**
 * A key as typed or pasted into the panel: an EC public key as a JWK (its thumbprint is computed)
 * or a thumbprint in hex. An error says what is wrong.
 */
export function keyFromText(text: string): { ok: true; thumbprint: string } | { ok: false; error: string } {
  const t = text.trim();
  if (t.startsWith('{')) {
    let jwk: unknown;
    try {
      jwk = JSON.parse(t);
    } catch (err) {
      return { ok: false, error: `the key is not valid JSON: ${err instanceof Error ? err.message : String(err)}` };
    }
    if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) return { ok: false, error: 'a public key (JWK) is a JSON object' };
    try {
      return { ok: true, thumbprint: keyThumbprintHex(jwk as Record<string, unknown>) };
    } catch (err) {
      return { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
  }
  return parseThumbprint(t);
}

/** Adds a key to the org's list or a project's (again: its label is updated); returns the key as stored. */
export async function addTrustedKey(settings: SettingStore, projectId: string, scope: TrustedKey['scope'], text: string, label: string): Promise<TrustedKey> {
  const parsed = keyFromText(text);
  if (!parsed.ok) throw new Error(`Cannot trust this key: ${parsed.error}.`);
  const setting = scope === 'org' ? ORG_KEYS_SETTING : projectKeysSetting(projectId);
  const keys = keysIn(await settings.get(setting), scope).filter((k) => k.thumbprint !== parsed.thumbprint);
  const key: TrustedKey = { thumbprint: parsed.thumbprint, label: label.trim(), scope };
  await settings.set(setting, [...keys, key].map(({ thumbprint, label: l }) => ({ thumbprint, label: l })));
  return key;
}

/** Removes a key from the org's list or a project's; removing one that is not there does nothing. */
export async function removeTrustedKey(settings: SettingStore, projectId: string, scope: TrustedKey['scope'], thumbprint: string): Promise<void> {
  const setting = scope === 'org' ? ORG_KEYS_SETTING : projectKeysSetting(projectId);
  const keys = keysIn(await settings.get(setting), scope).filter((k) => k.thumbprint !== thumbprint);
  await settings.set(setting, keys.map(({ thumbprint: t, label }) => ({ thumbprint: t, label })));
}
