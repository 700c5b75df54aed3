import { describe, expect, it } from 'vitest';
import { keyThumbprintHex } from './signatureTrust';
import { parseTrustedKeysFile, trustedKeysFileText } from './trustedKeysFile';

const jwk = { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' };

describe('trusted-keys file', () => {
  it('round-trips what it writes, once per key, and reads keys by thumbprint or public JWK', () => {
    const hex = keyThumbprintHex(jwk);
    const text = trustedKeysFileText([{ thumbprint: hex, label: 'Kim' }, { thumbprint: 'ab'.repeat(32), label: 'CI' }, { thumbprint: hex, label: 'Kim again' }]);
    expect(parseTrustedKeysFile(text)).toEqual({ ok: true, keys: [{ thumbprint: hex, label: 'Kim' }, { thumbprint: 'ab'.repeat(32), label: 'CI' }] });
    const byKey = JSON.stringify({ kind: 'harness-trusted-keys', version: 1, keys: [{ publicKey: jwk, label: 'Kim' }, { thumbprint: hex.toUpperCase().replace(/(.{4})/g, '$1 ') }] });
    expect(parseTrustedKeysFile(byKey)).toEqual({ ok: true, keys: [{ thumbprint: hex, label: 'Kim' }] });
  });

  it('names every bad entry by its path', () => {
    const text = JSON.stringify({ kind: 'harness-trusted-keys', version: 1, keys: [{ publicKey: jwk, thumbprint: 'ab'.repeat(32) }, 'x', { thumbprint: 7 }, { publicKey: { ...jwk, d: 'SCALAR-VALUE' } }, { label: 3, thumbprint: 'ab'.repeat(32) }] });
    const r = parseTrustedKeysFile(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.split(':')[0])).toEqual(['keys[0].thumbprint', 'keys[1]', 'keys[2].thumbprint', 'keys[3].publicKey', 'keys[4].label']);
    expect(r.errors.join('\n')).not.toContain('SCALAR-VALUE');
  });
});
