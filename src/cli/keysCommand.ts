/**
 * `harness keys list | add KEY [--label NAME] | remove THUMBPRINT`: the CLI's trust store, a
 * trusted-keys file (kernel/trust/trustedKeysFile.ts; the studio's Trusted keys panel exports and
 * imports the same file). It prints thumbprints and names, never key material: the file itself
 * holds thumbprints only.
 */
import { formatThumbprint, keyThumbprintHex, parseHarness, parseThumbprint, trustedKeysFileText, type TrustedKeyEntry } from '../kernel';
import { argTokens } from './argTokens';
import type { CliIo, CliResult } from './commands';
import { readTrustedKeys, takeTrustFlag, trustFileOf, TRUSTED_KEYS_ENV } from './trustStore';

export const KEYS_USAGE = `usage:
  harness keys list [--trusted-keys FILE]
  harness keys add KEY [--label NAME] [--trusted-keys FILE]
  harness keys remove THUMBPRINT [--trusted-keys FILE]

  The trusted signer keys of harness run, serve, experiment, worker and inject-suite: under
  policy.requireSigned a document counts as signed only when its signer is in this file
  (the file HARNESS_TRUSTED_KEYS names, or --trusted-keys FILE). The studio's Policy view →
  Trusted keys exports and imports the same file.
  list      every key: its SHA-256 thumbprint (RFC 7638, in groups of four) and its name
  add       trust KEY: a thumbprint (64 hex digits, any grouping), a public key as a JWK, or a
            file holding one or a signed harness document (its signer); creates FILE if need be
    --label NAME  a name for people (default: none; adding a key again renames it)
  remove    stop trusting the key with this thumbprint

  Only thumbprints and names are written or printed, never key material.
`;

const usageError = (message: string): CliResult => ({ code: 2, stdout: '', stderr: `harness: ${message}\n\n${KEYS_USAGE}` });
const fail = (message: string): CliResult => ({ code: 2, stdout: '', stderr: `harness: ${message}\n` });

/** `harness keys …`. */
export function keysCommand(args: readonly string[], io: CliIo): CliResult {
  const taken = takeTrustFlag(args);
  if (typeof taken === 'string') return usageError(taken);
  const [sub, ...rest] = taken.rest;
  if (sub === undefined) return usageError('keys needs list, add or remove');
  if (sub === 'help' || taken.rest.includes('--help') || taken.rest.includes('-h')) return { code: 0, stdout: KEYS_USAGE, stderr: '' };
  let label: string | undefined;
  const operands: string[] = [];
  for (const { arg, flag, value } of argTokens(rest)) {
    if (flag === '--label' && sub === 'add') {
      const v = value();
      if (v === undefined) return usageError('--label needs a name');
      label = v;
    } else if (arg.startsWith('--')) return usageError(`keys ${sub}: unknown option ${arg}`);
    else operands.push(arg);
  }
  const where = trustFileOf(taken.file, io);
  if (where === null) return usageError(`keys needs a trusted-keys file: --trusted-keys FILE, or the environment variable ${TRUSTED_KEYS_ENV}`);
  const via = where.fromFlag ? '--trusted-keys' : TRUSTED_KEYS_ENV;
  switch (sub) {
    case 'list': {
      if (operands.length > 0) return usageError(`keys list takes no operand, found ${operands[0]}`);
      const read = readTrustedKeys(where.file, io, via);
      if (!read.ok) return { code: 2, stdout: '', stderr: read.message };
      const lines = read.keys.map((k) => `${formatThumbprint(k.thumbprint)}  ${k.label || '(no name)'}\n`);
      return { code: 0, stdout: `${where.file}: ${read.keys.length} trusted key${read.keys.length === 1 ? '' : 's'}\n${lines.join('')}`, stderr: '' };
    }
    case 'add': {
      if (operands.length !== 1) return usageError(operands.length === 0 ? 'keys add needs a KEY: a thumbprint, a public key (JWK) or a file holding one' : `keys add takes one KEY, found: ${operands.join(' ')}`);
      const key = keyOperand(operands[0]!, io);
      if (!key.ok) return fail(`keys add: ${key.error}`);
      const have = existing(where.file, io, via);
      if (!have.ok) return { code: 2, stdout: '', stderr: have.message };
      const before = have.keys.find((k) => k.thumbprint === key.thumbprint);
      const entry: TrustedKeyEntry = { thumbprint: key.thumbprint, label: (label ?? before?.label ?? '').trim() };
      const keys = before ? have.keys.map((k) => (k.thumbprint === key.thumbprint ? entry : k)) : [...have.keys, entry];
      const wrote = write(where.file, keys, io);
      if (wrote) return fail(wrote);
      return { code: 0, stdout: `${before ? 'renamed' : 'trusted'} ${formatThumbprint(entry.thumbprint)}${entry.label ? ` (${entry.label})` : ''} in ${where.file}\n`, stderr: '' };
    }
    case 'remove': {
      if (operands.length !== 1) return usageError(operands.length === 0 ? 'keys remove needs the THUMBPRINT of the key' : `keys remove takes one THUMBPRINT, found: ${operands.join(' ')}`);
      const t = parseThumbprint(operands[0]!);
      if (!t.ok) return fail(`keys remove: ${JSON.stringify(operands[0])}: ${t.error}`);
      const read = readTrustedKeys(where.file, io, via);
      if (!read.ok) return { code: 2, stdout: '', stderr: read.message };
      const gone = read.keys.find((k) => k.thumbprint === t.thumbprint);
      if (!gone) return fail(`keys remove: ${where.file} has no key ${formatThumbprint(t.thumbprint)} (harness keys list shows its keys)`);
      const wrote = write(where.file, read.keys.filter((k) => k !== gone), io);
      if (wrote) return fail(wrote);
      return { code: 0, stdout: `removed ${formatThumbprint(gone.thumbprint)}${gone.label ? ` (${gone.label})` : ''} from ${where.file}\n`, stderr: '' };
    }
    default:
      return usageError(`keys: unknown subcommand ${JSON.stringify(sub)} (list, add or remove)`);
  }
}

/** The keys the file holds; a file that does not exist yet holds none (add creates it). */
function existing(file: string, io: CliIo, via: string): { ok: true; keys: TrustedKeyEntry[] } | { ok: false; message: string } {
  try {
    io.readFile(file);
  } catch (err) {
    if (typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOENT') return { ok: true, keys: [] };
  }
  return readTrustedKeys(file, io, via);
}

function write(file: string, keys: readonly TrustedKeyEntry[], io: CliIo): string | null {
  try {
    io.writeFile(file, trustedKeysFileText(keys));
    return null;
  } catch (err) {
    return `cannot write ${file}: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/**
 * KEY as given to `keys add`: a thumbprint, a JWK's JSON, or a file holding a JWK or a signed
 * harness document (its signer's key). The error says which reading failed and why.
 */
function keyOperand(text: string, io: CliIo): { ok: true; thumbprint: string } | { ok: false; error: string } {
  const t = text.trim();
  if (t.startsWith('{')) return jwkThumbprint(t, 'the key');
  if (/^[0-9a-fA-F\s:]+$/.test(t)) {
    const p = parseThumbprint(t);
    return p.ok ? p : { ok: false, error: `${JSON.stringify(t)}: ${p.error}` };
  }
  let body: string;
  try {
    body = io.readFile(t);
  } catch (err) {
    const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
    return { ok: false, error: `${t}: ${code === 'ENOENT' ? 'no such file, and not a thumbprint (64 hex digits) or a public key (JWK)' : err instanceof Error ? err.message : String(err)}` };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (err) {
    return { ok: false, error: `${t}: not valid JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (typeof doc === 'object' && doc !== null && 'agents' in doc) {
    const parsed = parseHarness(doc);
    if (!parsed.ok) return { ok: false, error: `${t}: a harness document that does not parse (harness validate ${t} says why)` };
    if (!parsed.spec.signatures) return { ok: false, error: `${t}: the document is not signed, so it names no signer` };
    return jwkThumbprint(JSON.stringify(parsed.spec.signatures.publicKey), `${t}: its signer's public key`);
  }
  return jwkThumbprint(body, t);
}

function jwkThumbprint(text: string, what: string): { ok: true; thumbprint: string } | { ok: false; error: string } {
  let jwk: unknown;
  try {
    jwk = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `${what} is not valid JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) return { ok: false, error: `${what}: a public key (JWK) is a JSON object` };
  try {
    return { ok: true, thumbprint: keyThumbprintHex(jwk as Record<string, unknown>) };
  } catch (err) {
    return { ok: false, error: `${what}: ${err instanceof Error ? err.message : String(err)}` };
  }
}
