import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PROVENANCE_PREDICATE, sha256Hex, type ProvenanceStatement } from '../kernel';
import { runCli, type CliIo } from './commands';

/** A file system in memory over the repository's examples. */
function memoryIo(): CliIo & { files: Map<string, string> } {
  const files = new Map<string, string>();
  return {
    files,
    readFile: (p) => files.get(p) ?? readFileSync(p, 'utf8'),
    writeFile: (p, text) => void files.set(p, text),
  };
}

const lines = (text: string): ProvenanceStatement[] => text.trim().split('\n').map((l) => JSON.parse(l) as ProvenanceStatement);

describe('harness attest', () => {
  it('attests what a recorded CLI run wrote: one in-toto statement per artifact, digest of the final text', async () => {
    const io = memoryIo();
    const run = await runCli(['run', 'public/examples/research-team.json', '--seed', '2', '--trace', 't.jsonl', '--json'], io);
    expect(run.code).toBe(0);
    const r = await runCli(['attest', 'public/examples/research-team.json', 't.jsonl'], io);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const statements = lines(r.stdout);
    expect(statements.length).toBeGreaterThan(0);
    const events = io.files.get('t.jsonl')!.trim().split('\n').map((l) => JSON.parse(l) as { type: string; name?: string; text?: string; agent?: string; seq: number });
    const written = events.filter((e) => e.type === 'artifact.written');
    expect(written.length).toBeGreaterThan(0);
    const last = written.at(-1)!;
    const st = statements.find((s) => s.subject[0]!.name === last.name)!;
    expect(st._type).toBe('https://in-toto.io/Statement/v1');
    expect(st.predicateType).toBe(PROVENANCE_PREDICATE);
    expect(st.predicate.run.seed).toBe(2);
    // The subject is the artifact as it stands at the end of the run; the chain names its writer.
    const finalText = written.filter((e) => e.name === last.name).at(-1)!.text!;
    expect(st.subject[0]!.digest.sha256).toBe(sha256Hex(finalText));
    expect(st.predicate.chain.at(-1)!.who.agent).toBe(last.agent);
    expect(st.predicate.chain.at(-1)!.seq).toBe(last.seq);
  });

  it('--artifact picks one, --out writes the file; a wrong name, document or trace is one line', async () => {
    const io = memoryIo();
    await runCli(['run', 'public/examples/research-team.json', '--trace', 't.jsonl'], io);
    const all = lines((await runCli(['attest', 'public/examples/research-team.json', 't.jsonl'], io)).stdout);
    const name = all[0]!.subject[0]!.name;
    const one = await runCli(['attest', 'public/examples/research-team.json', 't.jsonl', '--artifact', name, '--out', 'a.jsonl'], io);
    expect(one.stdout).toMatch(/^1 statement written to a\.jsonl/);
    expect(lines(io.files.get('a.jsonl')!).map((s) => s.subject[0]!.name)).toEqual([name]);

    const nope = await runCli(['attest', 'public/examples/research-team.json', 't.jsonl', '--artifact', 'nope.md'], io);
    expect(nope.code).toBe(2);
    expect(nope.stderr).toMatch(/t\.jsonl: the run wrote no "nope\.md" \(it wrote .+\)/);
    const other = await runCli(['attest', 'public/examples/paging.json', 't.jsonl'], io);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/t\.jsonl: recorded from another document, "Research team"/);
    io.files.set('bad.jsonl', '{"seq":0,"type":"agent.finished"}\n');
    const bad = await runCli(['attest', 'public/examples/research-team.json', 'bad.jsonl'], io);
    expect(bad.stderr).toMatch(/bad\.jsonl: not a trace|bad\.jsonl:1:/);
    expect((await runCli(['attest', 'x.json'], io)).stderr).toMatch(/attest needs FILE and TRACE\.jsonl/);
  });
});
