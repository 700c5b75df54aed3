/**
 * A remote A2A agent's form: its card URL, name, the trust of its answers, and where the CLI
 * reads its auth header from (the studio keeps the header itself in this browser's settings:
 * the palette's Remote agents section). The skills are what its card listed when it was added.
 */
import { isRecord, str } from '../docModel';
import { SelectField, Section, TextField } from './fields';
import type { EntityEdit } from './useEntityEdit';

export const REMOTE_FIELDS = ['id', 'name', 'url', 'trust', 'auth', 'skills'];

export function RemoteAgentForm({ edit }: { edit: EntityEdit }) {
  const { entity, set, at } = edit;
  const r = entity.value;
  const auth = isRecord(r.auth) ? r.auth : undefined;
  const skills = Array.isArray(r.skills) ? r.skills.filter(isRecord) : [];
  return (
    <Section title="Remote agent">
      <div className="hs-grid2">
        <TextField label="Name" value={r.name} onChange={(v) => set(['name'], v, 'Rename remote agent')} issues={at('name')} />
        <SelectField
          label="Trust" hint="untrusted: each answer taints what the reader derives from it"
          value={r.trust} options={['trusted', 'untrusted']} empty="untrusted (default)"
          onChange={(v) => set(['trust'], v, 'Set remote agent trust')} issues={at('trust')} testId="field-remote-trust"
        />
        <TextField label="Agent Card URL" value={r.url} onChange={(v) => set(['url'], v, 'Set remote agent URL')} issues={at('url')} wide testId="field-remote-url" />
        <TextField
          label="Auth variable (CLI)" hint="the environment variable harness run reads the header's value from; never the value itself"
          value={auth?.env} placeholder="e.g. TRANSLATOR_TOKEN"
          onChange={(v) => set(['auth'], v === '' ? undefined : { ...(auth ?? {}), env: v }, 'Set remote agent auth variable')} issues={at('auth')}
        />
      </div>
      {skills.length > 0 && (
        <ul className="hs-remote__skills" aria-label="Skills">
          {skills.map((s) => <li key={str(s.id)}><b>{str(s.name) || str(s.id)}</b> <code>{str(s.id)}</code></li>)}
        </ul>
      )}
    </Section>
  );
}
