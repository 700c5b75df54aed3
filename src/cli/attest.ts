/**
 * `harness attest FILE TRACE.jsonl`: the provenance of what a recorded run wrote (artifacts and
 * files its tools wrote), as in-toto Statement v1 attestations, one JSON object per line (the
 * in-toto bundle layout). The same statements the studio's Artifacts view exports, made from the
 * same kernel code: the trace is folded into a projection, whose provenance log holds each change
 * with who made it, on which model, under which rule and from which inputs. A CI job can run a
 * harness (`harness run --trace`), attest its outputs and keep both next to the artifacts.
 */
import { Projection, provenanceStatement, resourceHistories, resourceName, sha256Hex, specHash } from '../kernel';
import { argTokens } from './argTokens';
import { loadSpec, readTrace, traceMismatch, type CliIo, type CliResult } from './commands';

export const ATTEST_USAGE = `usage: harness attest FILE TRACE.jsonl [--artifact NAME]... [--out OUT.jsonl]

Prints the provenance of what the run recorded in TRACE.jsonl (by harness run --trace, the
studio's Export or harness serve --trace-dir) wrote: one in-toto Statement v1 per artifact or
written file, one per line, as the studio's Artifacts view exports them. FILE must be the document
the trace was recorded from (its document hash is checked). Statements carry digests, agents,
models, rules and labels, never the text of prompts, inputs or secrets.
  --artifact NAME  only this artifact or written file (repeatable)
  --out OUT.jsonl  write the statements to OUT.jsonl instead of printing them
`;

interface AttestArgs {
  file: string;
  trace: string;
  only: string[];
  out?: string;
}

function parseAttestArgs(args: readonly string[]): AttestArgs | string {
  const files: string[] = [];
  const only: string[] = [];
  let out: string | undefined;
  for (const { arg, flag, valueOrEmpty } of argTokens(args)) {
    switch (flag) {
      case '--artifact': {
        const v = valueOrEmpty();
        if (v === '') return '--artifact needs a name';
        only.push(v);
        break;
      }
      case '--out': {
        const v = valueOrEmpty();
        if (v === '') return '--out needs a file name';
        out = v;
        break;
      }
      default:
        if (arg.startsWith('-')) return `attest: unknown option ${arg}`;
        files.push(arg);
    }
  }
  if (files.length !== 2) return `attest needs FILE and TRACE.jsonl, found ${files.length === 0 ? 'neither' : files.join(' ')}`;
  return { file: files[0]!, trace: files[1]!, only, ...(out !== undefined ? { out } : {}) };
}

const usageError = (message: string): CliResult => ({ code: 2, stdout: '', stderr: `harness: ${message}\n\n${ATTEST_USAGE}` });
const fail = (message: string): CliResult => ({ code: 2, stdout: '', stderr: `harness: ${message}\n` });

/** The command: statements as JSON Lines on stdout (or in --out), or one line saying what is wrong. */
export function attestCommand(args: readonly string[], io: CliIo): CliResult {
  if (args.includes('--help') || args.includes('-h')) return { code: 0, stdout: ATTEST_USAGE, stderr: '' };
  const parsed = parseAttestArgs(args);
  if (typeof parsed === 'string') return usageError(parsed);
  const loaded = loadSpec(parsed.file, io);
  if (!loaded.ok) return loaded.result;
  const { spec } = loaded;
  const trace = readTrace(parsed.trace, io);
  if (typeof trace === 'string') return fail(trace);
  const mismatch = traceMismatch(trace, spec, parsed.file, parsed.trace, false);
  if (mismatch !== null) return fail(mismatch);

  const projection = new Projection();
  projection.append(trace.events);
  const head = projection.head;
  const histories = resourceHistories(projection.provenance.records(), spec, head);
  const artifacts = projection.stateAt(head)?.artifacts ?? {};
  const named = [...histories].map(([resource, chain]) => {
    const name = resourceName(resource);
    const content = resource.startsWith('artifact ') ? artifacts[name]?.text : undefined;
    return { name, chain, content };
  });
  const missing = parsed.only.filter((n) => !named.some((x) => x.name === n));
  if (missing.length > 0) {
    const have = named.map((x) => x.name).sort();
    return fail(`${parsed.trace}: the run wrote no ${missing.map((n) => `"${n}"`).join(', ')} (it wrote ${have.length === 0 ? 'nothing' : have.join(', ')})`);
  }
  const chosen = named.filter((x) => parsed.only.length === 0 || parsed.only.includes(x.name)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const run = { id: String(trace.run), seed: trace.seed, specHash: specHash(spec), harness: spec.name };
  const lines = chosen.map((x) => `${JSON.stringify(provenanceStatement(x.name, x.chain, run, head, x.content))}\n`).join('');
  if (parsed.out === undefined) return { code: 0, stdout: lines, stderr: '' };
  try {
    io.writeFile(parsed.out, lines);
  } catch (err) {
    return fail(`cannot write ${parsed.out}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { code: 0, stdout: `${chosen.length} statement${chosen.length === 1 ? '' : 's'} written to ${parsed.out} (sha256 ${sha256Hex(lines).slice(0, 16)}…)\n`, stderr: '' };
}
