/**
 * The CLI's trust store of signer keys: a trusted-keys file (kernel/trust/trustedKeysFile.ts, the
 * same file the studio's Trusted keys panel exports and imports) named by `--trusted-keys FILE` or
 * the environment variable HARNESS_TRUSTED_KEYS. Every command that runs a harness document takes
 * it here and hands it to runSpec or the A2A server, which verify the document against it with the
 * studio's own check (persist/signing.ts verifySpec → kernel signerTrusted): under
 * `policy.requireSigned`, a document signed by a key outside the store is refused exactly as the
 * studio refuses it. Without a store the signatures are checked but not anchored, and the command
 * says so once.
 */
import { parseTrustedKeysFile, type HarnessSpec, type TrustedKeyEntry, type VerifiedDigests } from '../kernel';
import { argTokens } from './argTokens';
import type { CliIo } from './commands';

/** The environment variable naming the trusted-keys file when `--trusted-keys` is not given. */
export const TRUSTED_KEYS_ENV = 'HARNESS_TRUSTED_KEYS';

/** A trust store the CLI read: the file and its keys. */
export interface CliTrust {
  file: string;
  keys: readonly TrustedKeyEntry[];
}

/** Where the store's file name came from, for messages. */
const sourceOf = (fromFlag: boolean): string => (fromFlag ? '--trusted-keys' : TRUSTED_KEYS_ENV);

/**
 * Takes `--trusted-keys FILE` out of `args` (argTokens: `--trusted-keys=FILE` too), leaving the
 * rest for the command's own parser; a message when the flag has no value or is given twice.
 */
export function takeTrustFlag(args: readonly string[]): { rest: string[]; file?: string } | string {
  const rest: string[] = [];
  let file: string | undefined;
  for (const t of argTokens(args)) {
    if (t.flag !== '--trusted-keys') {
      rest.push(t.arg);
      continue;
    }
    const v = t.valueOrEmpty();
    if (v === '') return '--trusted-keys needs a file of trusted signer keys (JSON; harness keys --help)';
    if (file !== undefined) return '--trusted-keys is given twice: name one trusted-keys file';
    file = v;
  }
  return file === undefined ? { rest } : { rest, file };
}

/** The trusted-keys file the command uses: `--trusted-keys`'s, else HARNESS_TRUSTED_KEYS's, else none. */
export function trustFileOf(flagFile: string | undefined, io: CliIo): { file: string; fromFlag: boolean } | null {
  if (flagFile !== undefined) return { file: flagFile, fromFlag: true };
  const env = io.env?.[TRUSTED_KEYS_ENV]?.trim();
  return env ? { file: env, fromFlag: false } : null;
}

/**
 * Reads and checks a trusted-keys file: its keys, or lines (each starting `harness: FILE:`) naming
 * what is wrong and where, e.g. `harness: keys.json: keys[1].thumbprint: a SHA-256 thumbprint has 64 hex digits; this has 12`.
 */
export function readTrustedKeys(file: string, io: CliIo, via = '--trusted-keys'): { ok: true; keys: TrustedKeyEntry[] } | { ok: false; message: string } {
  let text: string;
  try {
    text = io.readFile(file);
  } catch (err) {
    const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, expected a trusted-keys file (.json)' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : `cannot read: ${err instanceof Error ? err.message : String(err)}`;
    return { ok: false, message: `harness: ${via}: ${file}: ${why}\n` };
  }
  const parsed = parseTrustedKeysFile(text);
  if (!parsed.ok) return { ok: false, message: parsed.errors.map((e) => `harness: ${via}: ${file}: ${e.replace(/\s*\n\s*/g, ' ')}\n`).join('') };
  return { ok: true, keys: parsed.keys };
}

/**
 * The trust store a command runs with (null: none given), or the message to exit 2 with. The one
 * place run, serve, experiment, worker and inject-suite find it.
 */
export function loadCliTrust(flagFile: string | undefined, io: CliIo): { ok: true; trust: CliTrust | null } | { ok: false; message: string } {
  const where = trustFileOf(flagFile, io);
  if (where === null) return { ok: true, trust: null };
  const read = readTrustedKeys(where.file, io, sourceOf(where.fromFlag));
  return read.ok ? { ok: true, trust: { file: where.file, keys: read.keys } } : read;
}

/**
 * The digests the kernel may compare against (KernelOptions.signatures), for a document that
 * requires signed agents: those whose signatures verify and, with a trust store, only when its
 * signer is in it (an unknown signer is named, and every agent is refused with the studio's
 * reason). Undefined for a document that does not require signatures.
 */
export async function verifiedSignatures(spec: HarnessSpec, trust: CliTrust | null | undefined): Promise<VerifiedDigests | undefined> {
  if (!spec.policy.requireSigned) return undefined;
  const { verifySpec } = await import('../persist/signing');
  return (await verifySpec(spec, trust ? trust.keys : undefined)).verified;
}

/**
 * The one warning line a command prints when it runs a document that requires signed agents
 * without a trust store ('' otherwise): its signatures are checked, but any key's count.
 */
export function unanchoredWarning(specs: readonly HarnessSpec[], trust: CliTrust | null | undefined, file: string): string {
  if (trust || !specs.some((s) => s.policy.requireSigned)) return '';
  return `harness: warning: ${file} requires signed agents, but no trusted keys were given (--trusted-keys FILE or ${TRUSTED_KEYS_ENV}): signatures are checked but not anchored, so a document re-signed with any key is accepted\n`;
}
