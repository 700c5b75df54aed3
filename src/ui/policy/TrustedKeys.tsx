import { useCallback, useEffect, useState } from 'react';
import { studio } from '../../bridge/client';
import type { SignatureStanding, TrustedKeySummary } from '../../bridge/api';
import { parseTrustedKeysFile, trustedKeysFileText } from '../../kernel';
import { useStudio } from '../../store';
import { downloadText } from '../shared/download';
import { FileButton } from '../shared/FileButton';

type Scope = 'org' | 'project';

/**
 * The trust store of signer keys (worker/signingTrustApi.ts): whose signatures count when the
 * policy requires signed agents. Lists this browser's key, the org's keys and the project's, each
 * with its SHA-256 thumbprint; adds one (a public key as JWK, or its thumbprint) or removes one;
 * and says how the open document's signature stands — if a run would refuse it, why. Export
 * and Import move the keys as a trusted-keys file (kernel/trust/trustedKeysFile.ts), the file
 * `harness run --trusted-keys` reads, so a key trusted here can be trusted by the CLI and back.
 */
export function TrustedKeys() {
  const projectId = useStudio((s) => s.projectId);
  const doc = useStudio((s) => s.doc);
  const [keys, setKeys] = useState<TrustedKeySummary[]>([]);
  const [standing, setStanding] = useState<SignatureStanding | null>(null);
  const [key, setKey] = useState('');
  const [label, setLabel] = useState('');
  const [scope, setScope] = useState<Scope>('project');
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    if (projectId === null) return;
    const [k, s] = await Promise.all([studio().trustedKeys(projectId), studio().signatureStanding(projectId, doc)]);
    setKeys(k);
    setStanding(s);
  }, [projectId, doc]);

  useEffect(() => {
    refresh().catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, [refresh]);

  const act = async (work: () => Promise<unknown>): Promise<void> => {
    setError(null);
    setNote(null);
    try {
      await work();
      await refresh();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  if (projectId === null) return null;
  const add = (text: string, name: string, at: Scope) =>
    act(async () => {
      await studio().addTrustedKey(projectId, at, text, name);
      setKey('');
      setLabel('');
    });
  // Every key listed, this browser's own included: a document signed here then runs at the CLI.
  const exportKeys = () => downloadText('trusted-keys.json', trustedKeysFileText(keys.map((k) => ({ thumbprint: k.thumbprint, label: k.own ? 'studio browser key' : k.label }))), 'application/json');
  const importKeys = (text: string, name: string, at: Scope) =>
    act(async () => {
      const parsed = parseTrustedKeysFile(text);
      if (!parsed.ok) throw new Error(`Cannot import ${name}: ${parsed.errors.join('; ')}.`);
      const fresh = parsed.keys.filter((k) => !keys.some((have) => have.thumbprint === k.thumbprint));
      for (const k of fresh) await studio().addTrustedKey(projectId, at, k.thumbprint, k.label);
      const already = parsed.keys.length - fresh.length;
      setNote(`Imported ${fresh.length} key${fresh.length === 1 ? '' : 's'} from ${name} for ${at === 'org' ? 'every project' : 'this project'}${already > 0 ? ` (${already} already trusted)` : ''}.`);
    });

  return (
    <section className="hs-pol-keys" aria-label="Trusted keys" data-testid="trusted-keys">
      <div className="hs-pol-keys__standing" data-testid="signature-standing" data-status={standing?.status ?? ''}>
        {standing === null ? null : standing.status === 'unsigned' ? (
          'This document is not signed yet: a run signs it with this browser\u2019s key.'
        ) : standing.status === 'invalid' ? (
          'This document does not parse, so its signature cannot be checked.'
        ) : standing.status === 'trusted' ? (
          <>Signed by <code>{standing.signer}</code>, a trusted key.</>
        ) : (
          <>
            <span role="alert" data-testid="signature-refusal">Refused under Require signed: {standing.refusal}</span>{' '}
            {standing.signer && (
              <button type="button" className="hs-btn hs-btn--small" onClick={() => void add(standing.signer!, 'signer of this document', 'project')} data-testid="trust-signer">
                Trust this signer
              </button>
            )}
          </>
        )}
      </div>
      <ul className="hs-pol-keys__list">
        {keys.map((k) => (
          <li key={`${k.scope}:${k.thumbprint}`} data-testid="trusted-key" data-thumbprint={k.thumbprint}>
            <span className="hs-pol-keys__label">{k.label || '(no name)'}</span>
            <span className="hs-muted">{k.own ? 'this browser' : k.scope}</span>
            <code className="hs-pol-keys__thumb" data-testid="trusted-key-thumbprint" title="SHA-256 thumbprint of the public key (RFC 7638)">{k.shown}</code>
            {!k.own && (
              <button type="button" className="hs-btn hs-btn--small hs-btn--ghost" onClick={() => void act(() => studio().removeTrustedKey(projectId, k.scope, k.thumbprint))} aria-label={`Remove ${k.label || k.shown}`} data-testid="trusted-key-remove">
                Remove
              </button>
            )}
          </li>
        ))}
      </ul>
      <form
        className="hs-pol-keys__add"
        onSubmit={(e) => {
          e.preventDefault();
          void add(key, label, scope);
        }}
      >
        <input value={key} onChange={(e) => setKey(e.currentTarget.value)} placeholder="Public key (JWK) or SHA-256 thumbprint" aria-label="Key to trust" data-testid="trusted-key-input" />
        <input value={label} onChange={(e) => setLabel(e.currentTarget.value)} placeholder="Name" aria-label="Name of the key" data-testid="trusted-key-label" />
        <select value={scope} onChange={(e) => setScope(e.currentTarget.value as Scope)} aria-label="Trusted for" data-testid="trusted-key-scope">
          <option value="project">this project</option>
          <option value="org">every project (org)</option>
        </select>
        <button type="submit" className="hs-btn hs-btn--small" disabled={key.trim() === ''} data-testid="trusted-key-add">
          Trust key
        </button>
        <button type="button" className="hs-btn hs-btn--small hs-btn--ghost" onClick={exportKeys} disabled={keys.length === 0} data-testid="trusted-keys-export" title="Save these keys as a trusted-keys file (harness run --trusted-keys FILE reads it)">
          Export
        </button>
        <FileButton
          className="hs-btn hs-btn--small hs-btn--ghost" accept=".json,application/json" inputLabel="Import a trusted-keys file" testId="trusted-keys-import" inputTestId="trusted-keys-import-input"
          title="Trust every key of a trusted-keys file (harness keys writes one) for the scope chosen"
          onFiles={([f]) => void f!.text().then((t) => importKeys(t, f!.name, scope))}
        >
          Import
        </FileButton>
      </form>
      {note && (
        <div className="hs-muted" role="status" data-testid="trusted-keys-note">
          {note}
        </div>
      )}
      {error && (
        <div className="hs-pol-header__note" role="alert" data-testid="trusted-key-error">
          {error}
        </div>
      )}
    </section>
  );
}
