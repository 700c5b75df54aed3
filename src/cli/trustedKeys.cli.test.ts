/**
 * The CLI's trust store (trustStore.ts, keysCommand.ts): a document that requires signed agents
 * runs when its signer is in the trusted-keys file and is refused — with the studio's reason,
 * naming the key — when it is not; without a file the old behaviour stays, with one warning line;
 * a bad file is a clear exit-2 error naming the file and the entry.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatThumbprint, keyThumbprintHex, parseHarness, parseTrustedKeysFile, trustedKeysFileText, untrustedSignerReason, type KernelEvent } from '../kernel';
import { SendMessageRequest, Task } from '@a2a-js/sdk';
import { ClientFactory } from '@a2a-js/sdk/client';
import { signSpec, withSignatures } from '../persist/signing';
import { startA2aServer } from './a2aServe';
import { runCli, type CliIo } from './commands';

function memIo(files: Record<string, string> = {}, env: Record<string, string> = {}): CliIo & { files: Record<string, string> } {
  const store: Record<string, string> = { ...files };
  return {
    files: store,
    env,
    readFile(path) {
      const text = store[path];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
      return text;
    },
    writeFile(path, text) {
      store[path] = text;
    },
  };
}

const noStack = (s: string): boolean => !/\n\s+at /.test(s);

/** A key pair of a signer (P-256, as the studio's) and its thumbprint. */
async function signer(): Promise<{ keys: CryptoKeyPair; hex: string; jwk: JsonWebKey }> {
  const keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const jwk = await crypto.subtle.exportKey('jwk', keys.publicKey);
  return { keys, hex: keyThumbprintHex(jwk as Record<string, unknown>), jwk };
}

/** An example that completes under harness run's defaults, requiring signed agents, signed by `keys`. */
async function signedDoc(keys: CryptoKeyPair): Promise<string> {
  const doc = JSON.parse(readFileSync('public/examples/research-team.json', 'utf8')) as Record<string, any>;
  doc.policy = { ...doc.policy, requireSigned: true };
  const r = parseHarness(doc);
  if (!r.ok) throw new Error('bad example');
  return JSON.stringify(withSignatures(doc, await signSpec(r.spec, keys, 1)));
}

const keysFile = (...hex: string[]): string => trustedKeysFileText(hex.map((h, i) => ({ thumbprint: h, label: `key ${i}` })));

function signatureEvents(trace: string): Extract<KernelEvent, { type: 'trust.signature' }>[] {
  return trace
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as KernelEvent)
    .filter((e): e is Extract<KernelEvent, { type: 'trust.signature' }> => e.type === 'trust.signature');
}

describe('harness run --trusted-keys', () => {
  it('runs a document signed by a trusted key, and refuses one signed by an untrusted key with the studio reason', async () => {
    const kim = await signer();
    const mallory = await signer();
    const io = memIo({ 'kim.json': await signedDoc(kim.keys), 'mallory.json': await signedDoc(mallory.keys), 'trusted.json': keysFile(kim.hex) });

    const ok = await runCli(['run', 'kim.json', '--trusted-keys', 'trusted.json', '--trace', 'ok.jsonl'], io);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(signatureEvents(io.files['ok.jsonl']!).every((e) => e.ok)).toBe(true);

    // The same flag, spelled inline; the document re-signed by a stranger is refused.
    const refused = await runCli(['run', 'mallory.json', '--trusted-keys=trusted.json', '--trace', 'refused.jsonl'], io);
    expect(refused.code).toBe(1);
    const checks = signatureEvents(io.files['refused.jsonl']!);
    expect(checks.length).toBeGreaterThan(0);
    // The kernel's sentence, the one the studio's trust.signature events and Trusted keys panel show.
    for (const e of checks) expect([e.ok, e.decision.reason]).toEqual([false, untrustedSignerReason(mallory.hex)]);
    expect(checks[0]!.decision.reason).toContain(formatThumbprint(mallory.hex));
  });

  it('reads the file HARNESS_TRUSTED_KEYS names when the flag is not given', async () => {
    const kim = await signer();
    const mallory = await signer();
    const env = { HARNESS_TRUSTED_KEYS: 'trusted.json' };
    const io = memIo({ 'kim.json': await signedDoc(kim.keys), 'mallory.json': await signedDoc(mallory.keys), 'trusted.json': keysFile(kim.hex) }, env);
    expect((await runCli(['run', 'kim.json'], io)).code).toBe(0);
    const r = await runCli(['run', 'mallory.json', '--json'], io);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
  });

  it('without a trust store accepts any valid signature, as before, and says once that it is not anchored', async () => {
    const mallory = await signer();
    const io = memIo({ 'mallory.json': await signedDoc(mallory.keys) });
    const r = await runCli(['run', 'mallory.json', '--trace', 't.jsonl'], io);
    expect(r.code).toBe(0);
    expect(signatureEvents(io.files['t.jsonl']!).every((e) => e.ok)).toBe(true);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^harness: warning: mallory\.json requires signed agents, but no trusted keys were given .*signatures are checked but not anchored/);
    // A document that does not require signatures has nothing to anchor: no warning.
    const plain = memIo({ 'plain.json': readFileSync('public/examples/research-team.json', 'utf8') });
    expect((await runCli(['run', 'plain.json'], plain)).stderr).toBe('');
  });

  it('names the file and the entry of a bad trusted-keys file, exit 2, no stack', async () => {
    const kim = await signer();
    const doc = await signedDoc(kim.keys);
    const cases: Array<[string | undefined, RegExp]> = [
      [undefined, /^harness: --trusted-keys: trusted\.json: no such file\n$/],
      ['{"kind": "harness-trusted-keys", ', /^harness: --trusted-keys: trusted\.json: not valid JSON: /],
      ['[]', /^harness: --trusted-keys: trusted\.json: expected a JSON object/],
      [JSON.stringify({ kind: 'harness-trusted-keys', version: 1, keys: [{ thumbprint: kim.hex, label: 'Kim' }, { thumbprint: 'abc123', label: 'typo' }] }), /^harness: --trusted-keys: trusted\.json: keys\[1\]\.thumbprint: a SHA-256 thumbprint has 64 hex digits; this has 6\n$/],
      [JSON.stringify({ kind: 'harness-trusted-keys', version: 1, keys: [{ publicKey: { kty: 'EC', crv: 'P-256', x: 'AA' }, label: 'half' }] }), /keys\[0\]\.publicKey: the public key has no "y" member/],
      [JSON.stringify({ kind: 'harness-trusted-keys', version: 1, keys: [{ publicKey: { ...kim.jwk, d: 'secret-scalar' } }] }), /keys\[0\]\.publicKey: holds private key material \("d"\)/],
    ];
    for (const [text, want] of cases) {
      const io = memIo({ 'doc.json': doc, ...(text === undefined ? {} : { 'trusted.json': text }) });
      const r = await runCli(['run', 'doc.json', '--trusted-keys', 'trusted.json'], io);
      expect([r.code, r.stdout]).toEqual([2, '']);
      expect(r.stderr).toMatch(want);
      expect(r.stderr).not.toContain('secret-scalar');
      expect(noStack(r.stderr)).toBe(true);
    }
    const env = memIo({ 'doc.json': doc }, { HARNESS_TRUSTED_KEYS: 'gone.json' });
    expect((await runCli(['run', 'doc.json'], env)).stderr).toBe('harness: HARNESS_TRUSTED_KEYS: gone.json: no such file\n');
    const noValue = await runCli(['run', 'doc.json', '--trusted-keys'], memIo({ 'doc.json': doc }));
    expect([noValue.code, noValue.stderr.split('\n')[0]]).toEqual([2, 'harness: --trusted-keys needs a file of trusted signer keys (JSON; harness keys --help)']);
  });
});

describe('the other commands that run a document', () => {
  it('harness experiment runs each variant against the trusted keys', async () => {
    const kim = await signer();
    const mallory = await signer();
    const exp = JSON.stringify({ version: 1, name: 'signed', base: 'doc.json', variants: [{ id: 'as-is', name: 'as is', patch: [] }], seeds: { count: 2 }, metrics: [{ id: 'done', kind: 'goals' }] });
    const stops = async (trusted: string): Promise<string[]> => {
      const io = memIo({ 'exp.json': exp, 'doc.json': await signedDoc(mallory.keys), 'trusted.json': keysFile(trusted) });
      const r = await runCli(['experiment', 'exp.json', '--trusted-keys', 'trusted.json', '--out', 'out.jsonl', '--json'], io);
      expect(r.stderr).toBe('');
      return io.files['out.jsonl']!.trim().split('\n').slice(1).map((l) => (JSON.parse(l) as { stopReason: string }).stopReason);
    };
    expect(await stops(mallory.hex)).toEqual(['completed', 'completed']);
    expect(await stops(kim.hex)).not.toContain('completed');
    // Without a store: one warning line for the whole experiment, not one per run.
    const io = memIo({ 'exp.json': exp, 'doc.json': await signedDoc(mallory.keys) });
    const r = await runCli(['experiment', 'exp.json', '--json'], io);
    expect(r.stderr.match(/signatures are checked but not anchored/g)).toHaveLength(1);
    const bad = await runCli(['experiment', 'exp.json', '--trusted-keys', 'nope.json'], io);
    expect([bad.code, bad.stderr]).toEqual([2, 'harness: --trusted-keys: nope.json: no such file\n']);
  });

  it('harness serve answers a task when the signer is trusted and fails it when not', async () => {
    const kim = await signer();
    const mallory = await signer();
    const echo = { version: 1, name: 'Echo', models: [{ id: 'sim', name: 'Sim' }], policy: { requireSigned: true },
      agents: [{ id: 'echo', name: 'Echo', model: 'sim', behaviour: [{ op: 'recv', from: 'human', as: 'q' }, { op: 'send', to: 'human', text: 'echo: {{var.q}}' }, { op: 'finish', text: 'done' }] }],
      channels: [{ id: 'c', from: 'echo', to: 'human' }] };
    const unsigned = parseHarness(echo);
    if (!unsigned.ok) throw new Error('bad harness');
    const signed = parseHarness(withSignatures(echo, await signSpec(unsigned.spec, mallory.keys, 1)));
    if (!signed.ok) throw new Error('bad harness');
    const state = async (trusted: string): Promise<string> => {
      const server = await startA2aServer(signed.spec, { port: 0, trust: { file: 'trusted.json', keys: [{ thumbprint: trusted, label: '' }] } });
      try {
        const c = await new ClientFactory().createFromUrl(server.urls[0]!, '');
        const task = await c.sendMessage(SendMessageRequest.fromJSON({ message: { messageId: `m-${trusted.slice(0, 6)}`, role: 'ROLE_USER', parts: [{ text: 'hi' }] } }));
        return (Task.toJSON(task as Task) as { status: { state: string } }).status.state;
      } finally {
        await server.close();
      }
    };
    expect(await state(mallory.hex)).toBe('TASK_STATE_COMPLETED');
    expect(await state(kim.hex)).toBe('TASK_STATE_FAILED');
  });

  it('harness serve and inject-suite refuse a bad trusted-keys file before they start', async () => {
    const doc = await signedDoc((await signer()).keys);
    const io = memIo({ 'doc.json': doc, 'bad.json': '{"kind":"harness-trusted-keys","version":2,"keys":[]}' });
    const serve = await runCli(['serve', 'doc.json', '--trusted-keys', 'bad.json'], io);
    expect([serve.code, serve.stderr]).toEqual([2, 'harness: --trusted-keys: bad.json: version: expected 1, found 2\n']);
    const suite = await runCli(['inject-suite', 'public/examples/injection-suite', '--trusted-keys', 'bad.json'], { ...io, readFile: (p) => (p.startsWith('public/') ? readFileSync(p, 'utf8') : io.readFile(p)) });
    expect([suite.code, suite.stderr]).toEqual([2, 'harness: --trusted-keys: bad.json: version: expected 1, found 2\n']);
  });
});

describe('harness keys', () => {
  it('adds by thumbprint, JWK or signed document, lists thumbprints and names, removes; the file is what the studio imports', async () => {
    const kim = await signer();
    const ci = await signer();
    const io = memIo({ 'ci.json': await signedDoc(ci.keys), 'kim.jwk': JSON.stringify({ ...kim.jwk }) });
    const add1 = await runCli(['keys', 'add', 'kim.jwk', '--label', 'Kim', '--trusted-keys', 'trusted.json'], io);
    expect([add1.code, add1.stdout]).toEqual([0, `trusted ${formatThumbprint(kim.hex)} (Kim) in trusted.json\n`]);
    const add2 = await runCli(['keys', 'add', 'ci.json', '--label=CI', '--trusted-keys', 'trusted.json'], io);
    expect(add2.code).toBe(0);
    const add3 = await runCli(['keys', 'add', formatThumbprint('ab'.repeat(32)).toUpperCase(), '--trusted-keys', 'trusted.json'], io);
    expect(add3.code).toBe(0);
    const list = await runCli(['keys', 'list'], { ...io, env: { HARNESS_TRUSTED_KEYS: 'trusted.json' } });
    expect(list.stdout).toBe(`trusted.json: 3 trusted keys\n${formatThumbprint(kim.hex)}  Kim\n${formatThumbprint(ci.hex)}  CI\n${formatThumbprint('ab'.repeat(32))}  (no name)\n`);
    // Thumbprints and names only: no key material in the file or the output.
    expect(io.files['trusted.json']).not.toContain(kim.jwk.x!);
    expect(parseTrustedKeysFile(io.files['trusted.json']!)).toEqual({ ok: true, keys: [{ thumbprint: kim.hex, label: 'Kim' }, { thumbprint: ci.hex, label: 'CI' }, { thumbprint: 'ab'.repeat(32), label: '' }] });
    // The signed document now runs against the file harness keys wrote.
    expect((await runCli(['run', 'ci.json', '--trusted-keys', 'trusted.json'], io)).code).toBe(0);

    const rm = await runCli(['keys', 'remove', ci.hex, '--trusted-keys', 'trusted.json'], io);
    expect([rm.code, rm.stdout]).toEqual([0, `removed ${formatThumbprint(ci.hex)} (CI) from trusted.json\n`]);
    expect((await runCli(['run', 'ci.json', '--trusted-keys', 'trusted.json'], io)).code).toBe(1);
    const again = await runCli(['keys', 'remove', ci.hex, '--trusted-keys', 'trusted.json'], io);
    expect([again.code, again.stderr]).toEqual([2, `harness: keys remove: trusted.json has no key ${formatThumbprint(ci.hex)} (harness keys list shows its keys)\n`]);
  });

  it('says what is wrong with a key, a file or the command line, exit 2', async () => {
    const io = memIo({ 'bad.json': '{"kind":"harness-trusted-keys","version":1,"keys":[{"label":"nameless"}]}' });
    const cases: Array<[string[], RegExp]> = [
      [['keys', 'list', '--trusted-keys', 'bad.json'], /^harness: --trusted-keys: bad\.json: keys\[0\]: has neither a "thumbprint" nor a "publicKey"\n$/],
      [['keys', 'list', '--trusted-keys', 'none.json'], /^harness: --trusted-keys: none\.json: no such file\n$/],
      [['keys', 'add', 'zz', '--trusted-keys', 't.json'], /^harness: keys add: zz: no such file, and not a thumbprint/],
      [['keys', 'add', 'abcd', '--trusted-keys', 't.json'], /^harness: keys add: "abcd": a SHA-256 thumbprint has 64 hex digits; this has 4\n$/],
      [['keys', 'add', '{"kty":"EC"}', '--trusted-keys', 't.json'], /^harness: keys add: the key: the public key has no "crv" member/],
      [['keys', 'list'], /^harness: keys needs a trusted-keys file: --trusted-keys FILE, or the environment variable HARNESS_TRUSTED_KEYS\n/],
      [['keys', 'rotate', '--trusted-keys', 't.json'], /^harness: keys: unknown subcommand "rotate"/],
    ];
    for (const [argv, want] of cases) {
      const r = await runCli(argv, io);
      expect([argv, r.code]).toEqual([argv, 2]);
      expect(r.stderr).toMatch(want);
      expect(noStack(r.stderr)).toBe(true);
    }
    expect(io.files['t.json']).toBeUndefined();
  });

  it('is in harness --help', async () => {
    const r = await runCli(['--help'], memIo());
    expect(r.stdout).toContain('harness keys list | add KEY');
    expect(r.stdout).toContain('--trusted-keys F');
  });
});
