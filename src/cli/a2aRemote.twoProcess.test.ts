/**
 * Two harnesses in two processes delegating a task to each other: harness A, run by `harness run`,
 * delegates to harness B's translator served by `harness serve`; and the other way, harness B's
 * asker delegates to harness A's reviewer served by `harness serve`. Each run records the other's
 * answer, and its replay sends nothing.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromJsonl, type EventOf, type KernelEvent } from '../kernel';

const ROOT = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
const NOWHERE = 'http://127.0.0.1:9/a2a/nobody/.well-known/agent-card.json';

/**
 * A harness with an agent that serves (answers the human, i.e. the remote caller) and one that
 * delegates to the other harness's agent. Its channel to the remote agent is slow (60 virtual
 * seconds), so in a served run the server agent has answered long before the delegating agent
 * gets anywhere; the stop goal ends a `harness run` as soon as the delegating agent has its answer.
 */
function harness(name: string, server: { id: string; reply: string }, client: { id: string; ask: string; remote: string; url: string }) {
  return {
    version: 1, name, models: [{ id: 'sim', name: 'Sim' }],
    remoteAgents: [{ id: client.remote, url: client.url, trust: 'trusted' }],
    channels: [{ id: 'out', from: client.id, to: client.remote, latencyMs: 60_000 }, { id: 'answer', from: server.id, to: 'human' }],
    agents: [
      { id: server.id, name: server.id, model: 'sim', behaviour: [{ op: 'recv', from: 'human', as: 'q' }, { op: 'send', to: 'human', text: server.reply }, { op: 'finish', text: 'answered' }] },
      { id: client.id, name: client.id, model: 'sim', behaviour: [{ op: 'send', to: client.remote, text: client.ask }, { op: 'recv', from: client.remote, as: 'a' }, { op: 'finish', text: '{{var.a}}' }] },
    ],
    goals: [{ id: 'delegated', name: 'delegated', when: { kind: 'finished', agent: client.id }, stop: true }],
  };
}
const harnessA = (translatorUrl: string) => harness('A', { id: 'reviewer', reply: 'reviewed: {{var.q}}' }, { id: 'writer', ask: 'good morning', remote: 'translator', url: translatorUrl });
const harnessB = (reviewerUrl: string) => harness('B', { id: 'translator', reply: 'bonjour ({{var.q}})' }, { id: 'asker', ask: 'please review my draft', remote: 'reviewer', url: reviewerUrl });

const children: ChildProcess[] = [];
let dir: string;
beforeAll(() => { dir = mkdtempSync(path.join(tmpdir(), 'a2a-two-')); });
afterAll(() => {
  for (const c of children) c.kill();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `harness serve FILE --agent ID` in its own process; resolves with the served agent's card URL once printed. */
function serve(file: string, agent: string): Promise<string> {
  const child = spawn(process.execPath, ['scripts/run-ts.mjs', 'src/cli/main.ts', 'serve', file, '--port', '0', '--agent', agent], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = new RegExp(`^agent ${agent} \\(.*\\): (\\S+)$`, 'm').exec(out);
      if (m && /over JSON-RPC at/.test(out)) resolve(m[1]!);
    });
    child.stderr!.on('data', (chunk: Buffer) => void (out += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`harness serve exited (${code}) before it was ready:\n${out}`)));
  });
}

/** `harness run FILE --trace T` in its own process. */
async function harnessRun(file: string, trace: string, extra: string[] = []): Promise<{ code: number; stdout: string; events: KernelEvent[] }> {
  try {
    const { stdout } = await run(process.execPath, ['scripts/run-ts.mjs', 'src/cli/main.ts', 'run', file, '--trace', trace, ...extra], { cwd: ROOT });
    const parsed = fromJsonl(readFileSync(trace, 'utf8'));
    if (!parsed.ok) throw new Error(parsed.message);
    return { code: 0, stdout, events: parsed.events };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    throw new Error(`harness run exited ${e.code}:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

const replied = (events: readonly KernelEvent[]) => events.filter((e): e is EventOf<'remote.replied'> => e.type === 'remote.replied');

describe('two harnesses in two processes delegate to each other over A2A', () => {
  it('A (harness run) delegates to B\'s translator (harness serve), and B (harness run) delegates to A\'s reviewer (harness serve); replays send nothing', async () => {
    // A → B: B serves its translator; A runs, its writer asks the translator.
    const bServed = path.join(dir, 'b-served.json');
    writeFileSync(bServed, JSON.stringify(harnessB(NOWHERE)));
    const translatorCard = await serve(bServed, 'translator');
    const aRun = path.join(dir, 'a.json');
    writeFileSync(aRun, JSON.stringify(harnessA(translatorCard)));
    const a = await harnessRun(aRun, path.join(dir, 'a.jsonl'));
    expect(replied(a.events)).toHaveLength(1);
    expect(replied(a.events)[0]).toMatchObject({ agent: 'writer', remote: 'translator', ok: true, state: 'TASK_STATE_COMPLETED' });
    expect(replied(a.events)[0]!.text).toContain('bonjour (good morning)');
    expect(a.events.find((e) => e.type === 'agent.finished' && e.agent === 'writer')).toMatchObject({ text: expect.stringContaining('bonjour (good morning)') });

    // B → A: A serves its reviewer; B runs, its asker asks the reviewer.
    const aServed = path.join(dir, 'a-served.json');
    writeFileSync(aServed, JSON.stringify(harnessA(NOWHERE)));
    const reviewerCard = await serve(aServed, 'reviewer');
    const bRun = path.join(dir, 'b.json');
    writeFileSync(bRun, JSON.stringify(harnessB(reviewerCard)));
    const b = await harnessRun(bRun, path.join(dir, 'b.jsonl'));
    expect(replied(b.events)[0]).toMatchObject({ agent: 'asker', remote: 'reviewer', ok: true, state: 'TASK_STATE_COMPLETED' });
    expect(replied(b.events)[0]!.text).toContain('reviewed: please review my draft');

    // Replays answer from the traces: both servers stopped, and the runs still give the same traces.
    for (const c of children) c.kill();
    const again = await harnessRun(aRun, path.join(dir, 'a-replay.jsonl'), ['--replay', path.join(dir, 'a.jsonl')]);
    expect(/trace hash (\w+)/.exec(again.stdout)![1]).toBe(/trace hash (\w+)/.exec(a.stdout)![1]);
  }, 240_000);
});
