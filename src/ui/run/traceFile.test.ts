import { describe, expect, it } from 'vitest';
import { gzip, isTraceFileName, readTraceBytes } from './traceFile';

const trace = [
  '{"seq":0,"t":0,"run":"cli-1","type":"run.started","seed":3,"harness":"H","specHash":"00000000000000aa","agents":[],"models":{},"stores":{},"groups":[],"sched":{"sliceTokens":64,"rtPeriodMs":1000,"rtRuntimeShare":0.95,"dlBound":0.95,"agingStepMs":500}}',
  '{"seq":1,"t":0,"run":"cli-1","type":"run.stopped","reason":"completed","detail":"done","goals":{}}',
].join('\n');

describe('trace files on the page', () => {
  it('reads a gzipped trace as the same run as the plain one', async () => {
    const plain = await readTraceBytes('t.jsonl', new TextEncoder().encode(trace));
    const zipped = await readTraceBytes('t.jsonl.gz', await gzip(trace));
    if (!plain.ok || !zipped.ok) throw new Error('not read');
    expect(zipped.trace).toEqual(plain.trace);
    expect(plain.trace).toMatchObject({ seed: 3, harness: 'H', head: 1, stopReason: 'completed' });
  });

  it('says which file is bad and why', async () => {
    const broken = await readTraceBytes('b.jsonl', new TextEncoder().encode(trace.replace('"seq":1', '"seq":5')));
    expect(broken).toEqual({ ok: false, message: 'b.jsonl is not a trace: line 2: expected seq 1, found 5.' });
    const badZip = await readTraceBytes('c.jsonl.gz', new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3]));
    expect(badZip.ok || badZip.message).toMatch(/^c\.jsonl\.gz is not a valid gzip file/);
    const binary = await readTraceBytes('d.jsonl', new Uint8Array([0xff, 0xfe, 0x00]));
    expect(binary.ok || binary.message).toMatch(/^d\.jsonl is not UTF-8 text/);
  });

  it('opens .jsonl, .ndjson and their .gz as traces, anything else as a project', () => {
    expect(['a.jsonl', 'b.JSONL.gz', 'c.ndjson'].map(isTraceFileName)).toEqual([true, true, true]);
    expect(['a.harness.json', 'b.json', 'c.gguf'].map(isTraceFileName)).toEqual([false, false, false]);
  });
});
