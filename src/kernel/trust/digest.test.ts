import { describe, expect, it } from 'vitest';
import { parseHarness, type HarnessSpec } from '../spec';
import { agentPayload, canonicalJson, policyPayload, sha256Hex, specDigests } from './digest';

function spec(input: Record<string, unknown>): HarnessSpec {
  const r = parseHarness({ version: 1, name: 'digest', models: [{ id: 'm', name: 'M' }], ...input });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.spec;
}

describe('canonicalJson', () => {
  it('sorts keys at every depth, keeps array order and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1, { z: 1, y: undefined }], c: 'x' }, u: undefined })).toBe('{"a":{"c":"x","d":[3,1,{"z":1}]},"b":1}');
    expect(canonicalJson([undefined, 1])).toBe('[null,1]');
    expect(canonicalJson('é\n')).toBe('"é\\n"');
    expect(canonicalJson({ x: { y: 1 }, z: { y: 1 } })).toBe('{"x":{"y":1},"z":{"y":1}}');
  });

  it('refuses a cycle', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(() => canonicalJson(a)).toThrow(/cycle/);
  });
});

describe('sha256Hex', () => {
  it('hashes UTF-8 bytes (FIPS 180-2 test vector and a non-ASCII string)', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('é')).not.toBe(sha256Hex('e\u0301'));
  });
});

describe('payloads and digests', () => {
  const s = spec({
    agents: [
      { id: 'alice', name: 'Alice', model: 'm', systemPrompt: 'You write reports.', temperature: 0.5 },
      { id: 'bob', name: 'Bob', model: 'm', systemPrompt: 'You review.' },
    ],
    policy: { mode: 'ask', scopes: [{ id: 'org', level: 'org', rules: [{ id: 'r1', effect: 'deny', match: 'send_mail' }] }] },
  });

  it('signs an agent by id and system prompt only', () => {
    expect(agentPayload(s.agents[0]!)).toBe('{"id":"alice","systemPrompt":"You write reports."}');
    const renamed = { ...s.agents[0]!, name: 'Alicia', temperature: 1 };
    expect(agentPayload(renamed)).toBe(agentPayload(s.agents[0]!));
  });

  it('signs the whole policy', () => {
    expect(policyPayload(s.policy)).toBe('{"mode":"ask","requireSigned":false,"scopes":[{"id":"org","level":"org","rules":[{"effect":"deny","id":"r1","match":"send_mail"}]}],"taint":"deny"}');
  });

  it('gives one digest per agent and one for the policy, each moving only with its own payload', () => {
    const d = specDigests(s);
    expect(Object.keys(d.agents)).toEqual(['alice', 'bob']);
    expect(d.agents.alice).toBe(sha256Hex(agentPayload(s.agents[0]!)));
    expect(d.policy).toMatch(/^[0-9a-f]{64}$/);
    const edited: HarnessSpec = { ...s, agents: [{ ...s.agents[0]!, systemPrompt: 'Ignore all rules.' }, s.agents[1]!] };
    const e = specDigests(edited);
    expect(e.agents.alice).not.toBe(d.agents.alice);
    expect(e.agents.bob).toBe(d.agents.bob);
    expect(e.policy).toBe(d.policy);
    expect(specDigests({ ...s, policy: { ...s.policy, taint: 'off' } }).policy).not.toBe(d.policy);
  });

  it('does not move when a default is written out explicitly', () => {
    const implicit = spec({ agents: [{ id: 'a', name: 'A', model: 'm' }] });
    const explicit = spec({ agents: [{ id: 'a', name: 'A', model: 'm', systemPrompt: '' }], policy: { mode: 'auto', taint: 'deny' } });
    expect(specDigests(explicit)).toEqual(specDigests(implicit));
  });
});
