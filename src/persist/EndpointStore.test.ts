import { afterEach, describe, expect, it } from 'vitest';
import { EndpointStore, endpointInputProblem } from './EndpointStore';
import { StudioDb } from './StudioDb';

const open: StudioDb[] = [];
function freshDb(name = `endpoints-${crypto.randomUUID()}`): StudioDb {
  const db = new StudioDb(name);
  open.push(db);
  return db;
}
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

const KEY = 'sk-planted-0123456789abcdef';

describe('EndpointStore', () => {
  it('stores endpoints across reopening, lists them without keys, and gives the key only through withKey', async () => {
    const db = freshDb();
    const store = new EndpointStore(db, () => 1000);
    const saved = await store.save({ name: ' Local Ollama ', kind: 'openai', baseUrl: 'http://127.0.0.1:11434/v1', apiKey: KEY });
    expect(saved).toMatchObject({ name: 'Local Ollama', kind: 'openai', hasKey: true });
    expect(JSON.stringify(saved)).not.toContain(KEY);
    db.close();

    const again = new EndpointStore(freshDb(db.name));
    const list = await again.list();
    expect(list).toHaveLength(1);
    expect(list[0]).toEqual({ id: saved.id, name: 'Local Ollama', kind: 'openai', baseUrl: 'http://127.0.0.1:11434/v1', hasKey: true, createdAt: 1000, updatedAt: 1000 });
    expect(JSON.stringify(list)).not.toContain(KEY);
    expect((await again.withKey(saved.id))?.apiKey).toBe(KEY);
    expect((await again.withKey('Local Ollama'))?.apiKey).toBe(KEY);
  });

  it('keeps the key when an edit leaves it out, removes it on an empty key, deletes the endpoint', async () => {
    const store = new EndpointStore(freshDb());
    const e = await store.save({ name: 'a', kind: 'anthropic', baseUrl: 'https://api.anthropic.com', apiKey: KEY });
    const renamed = await store.save({ id: e.id, name: 'b', kind: 'anthropic', baseUrl: 'https://api.anthropic.com' });
    expect(renamed).toMatchObject({ id: e.id, name: 'b', hasKey: true });
    expect((await store.withKey(e.id))?.apiKey).toBe(KEY);
    expect(await store.save({ id: e.id, name: 'b', kind: 'anthropic', baseUrl: 'https://api.anthropic.com', apiKey: '' })).toMatchObject({ hasKey: false });
    await store.delete(e.id);
    expect(await store.list()).toEqual([]);
  });

  it('refuses a taken name and a bad base URL, saying which field and what to do', async () => {
    const store = new EndpointStore(freshDb());
    await store.save({ name: 'one', kind: 'openai', baseUrl: 'http://127.0.0.1:1/v1' });
    await expect(store.save({ name: 'one', kind: 'openai', baseUrl: 'http://127.0.0.1:2/v1' })).rejects.toThrow(/Name: an endpoint named "one" already exists/);
    expect(endpointInputProblem({ name: 'x', kind: 'openai', baseUrl: 'localhost:11434' })).toMatch(/^Base URL: .* is not a URL|^Base URL: use http/);
    expect(endpointInputProblem({ name: 'x', kind: 'openai', baseUrl: `https://u:${KEY}@api.example.com` })).toMatch(/API key field/);
    expect(endpointInputProblem({ name: 'x', kind: 'openai', baseUrl: `https://api.example.com/v1?key=${KEY}` })).toMatch(/query string/);
    expect(endpointInputProblem({ name: ' ', kind: 'openai', baseUrl: 'https://api.example.com' })).toMatch(/^Name:/);
    // local:<file> is how a model names a GGUF stored in this browser.
    expect(endpointInputProblem({ name: 'Local: mine', kind: 'openai', baseUrl: 'https://api.example.com' })).toMatch(/^Name: names starting with "local:"/);
    expect(await store.list()).toHaveLength(1);
  });
});
