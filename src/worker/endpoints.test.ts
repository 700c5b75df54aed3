import { afterEach, describe, expect, it } from 'vitest';
import { parseHarness } from '../kernel';
import { EndpointStore, StudioDb } from '../persist';
import { resolveModelEndpoints } from './endpoints';

const open: StudioDb[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});
const KEY = 'sk-planted-resolve-91c0';

function spec() {
  const r = parseHarness({
    version: 1,
    name: 'mixed',
    models: [
      { id: 'sim', name: 'Sim' },
      { id: 'local', name: 'Local', provider: 'openai-compatible', model: 'tiny' },
      { id: 'claude', name: 'Claude', provider: 'anthropic', model: 'c' },
      { id: 'gone', name: 'Gone', provider: 'openai', model: 'g' },
      { id: 'unset', name: 'Unset', provider: 'openai', model: 'u' },
    ],
    agents: [{ id: 'a', name: 'A', model: 'sim' }],
  });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.spec;
}

describe('resolveModelEndpoints', () => {
  it('gives each bound real model its stored endpoint with the key, and names every binding it cannot use', async () => {
    const db = new StudioDb(`resolve-${crypto.randomUUID()}`);
    open.push(db);
    const store = new EndpointStore(db);
    await store.save({ name: 'Wire', kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', apiKey: KEY });
    const r = await resolveModelEndpoints(spec(), { sim: 'Wire', local: 'Wire', claude: 'Wire', gone: 'Deleted' }, store);
    expect(r.endpoints).toEqual({ local: { wire: 'openai', baseUrl: 'http://127.0.0.1:9/v1', apiKey: KEY } });
    expect(r.problems).toEqual([
      expect.stringMatching(/^model "claude" \(anthropic\) points at endpoint "Wire", which speaks the OpenAI-compatible API/),
      expect.stringMatching(/^model "gone" runs on endpoint "Deleted", which is not in Settings/),
    ]);
    expect(r.problems.join(' ')).not.toContain(KEY);
  });
});
