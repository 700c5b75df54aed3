/**
 * `harness serve` as a user runs it: the CLI in a child process on 127.0.0.1, and @a2a-js/sdk's
 * own client against it. Card (fields, interface URL), SendMessage to a completed task with the
 * agent's answer, SendStreamingMessage from submitted through working to completed, an
 * input-required round trip on one task, and bearer auth (card readable, requests refused without
 * the token, served with it; the token never printed).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelTaskRequest, SendMessageRequest, StreamResponse, Task } from '@a2a-js/sdk';
import { ClientFactory, type Client } from '@a2a-js/sdk/client';
import { serveCommand } from './a2aServeCommand';
import type { CliIo } from './commands';

const DOC = {
  version: 1,
  name: 'Front desk',
  models: [{ id: 'sim', name: 'Sim' }],
  agents: [
    {
      id: 'greeter', name: 'Greeter', description: 'Greets whoever writes.', model: 'sim',
      behaviour: [{ op: 'recv', from: 'human', as: 'who' }, { op: 'send', to: 'human', text: 'Hello, {{var.who}}!' }, { op: 'finish', text: 'Greeted.' }],
    },
    {
      id: 'booker', name: 'Booker', description: 'Books trips.', model: 'sim',
      behaviour: [
        { op: 'recv', from: 'human', as: 'job' },
        { op: 'send', to: 'human', text: 'Which city for {{var.job}}?', task: 'input-required' },
        { op: 'recv', from: 'human', as: 'city' },
        { op: 'write', artifact: 'booking.md', text: 'Booked {{var.city}}' },
        { op: 'send', to: 'human', text: 'Done: booked {{var.city}}.' },
        { op: 'finish', text: 'Booked.' },
      ],
    },
  ],
  channels: [
    { id: 'g', from: 'greeter', to: 'human' },
    { id: 'b', from: 'booker', to: 'human' },
  ],
};

const TOKEN = 'tok-7f3a9c1e5b';
const ROOT = path.resolve(import.meta.dirname, '../..');

interface Served {
  child: ChildProcess;
  cards: Record<string, string>;
  output: () => string;
}

const children: ChildProcess[] = [];
let dir: string;
let open: Served;
let guarded: Served;

/** Starts `harness serve` and resolves with the card URL of each agent once it prints them. */
function serve(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Served> {
  const child = spawn(process.execPath, ['scripts/run-ts.mjs', 'src/cli/main.ts', 'serve', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  const output = (): string => out;
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      if (!/over JSON-RPC at/.test(out)) return;
      const cards: Record<string, string> = {};
      for (const m of out.matchAll(/^agent (\S+) \(.*\): (\S+)$/gm)) cards[m[1]!] = m[2]!;
      resolve({ child, cards, output });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => void (out += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`harness serve exited (${code}) before it was ready:\n${out}`)));
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

const client = (cardUrl: string): Promise<Client> => new ClientFactory().createFromUrl(cardUrl, '');

/** A SendMessage request in A2A 1.0 JSON, as the SDK's in-memory object. */
const request = (text: string, ids: { taskId?: string; contextId?: string } = {}): SendMessageRequest =>
  SendMessageRequest.fromJSON({ message: { messageId: `m-${Math.random().toString(36).slice(2)}`, role: 'ROLE_USER', parts: [{ text }], ...ids } });

/** A task as A2A 1.0 JSON (enum names, flattened parts). */
function taskJson(result: unknown): { id: string; contextId: string; status: { state: string; message?: { parts: { text?: string }[] } }; artifacts?: { name?: string; parts: { text?: string }[] }[] } {
  expect(result).toHaveProperty('status');
  return Task.toJSON(result as Task) as ReturnType<typeof taskJson>;
}

const statusText = (t: ReturnType<typeof taskJson>): string => (t.status.message?.parts ?? []).map((p) => p.text ?? '').join('');

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'harness-serve-'));
  writeFileSync(path.join(dir, 'desk.json'), JSON.stringify(DOC));
  // One after the other: the first start bundles the CLI, the second reuses the bundle.
  open = await serve([path.join(dir, 'desk.json'), '--port', '0']);
  guarded = await serve([path.join(dir, 'desk.json'), '--port', '0', '--agent', 'greeter', '--token-env', 'DESK_TOKEN'], { DESK_TOKEN: TOKEN });
  // Two CLI starts take ~5 s on a quiet machine; the margin is for a loaded one.
}, 90_000);

afterAll(async () => {
  // Every child is stopped, whatever happened: a test that timed out must not leave a server behind.
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  await Promise.all(children.map((c) => Promise.race([exited(c), new Promise((r) => setTimeout(r, 3000))])));
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('harness serve', { timeout: 20_000 }, () => {
  it('prints one card URL per agent, and each card is the agent\'s, pointing at this server', async () => {
    expect(Object.keys(open.cards)).toEqual(['greeter', 'booker']);
    const url = open.cards.greeter!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/a2a\/greeter\/\.well-known\/agent-card\.json$/);
    const card = (await (await fetch(url)).json()) as Record<string, unknown>;
    expect(card).toMatchObject({
      name: 'Greeter', description: 'Greets whoever writes.', version: '1',
      capabilities: { streaming: true, pushNotifications: false },
      // A2A 1.0 first (preferred); the same endpoint serves 0.3 clients.
      supportedInterfaces: [
        { url: url.replace('/.well-known/agent-card.json', ''), protocolBinding: 'JSONRPC', protocolVersion: '1.0' },
        { url: url.replace('/.well-known/agent-card.json', ''), protocolBinding: 'JSONRPC', protocolVersion: '0.3' },
      ],
      defaultInputModes: ['text/plain', 'application/json'],
    });
    expect(card.securitySchemes ?? {}).toEqual({});
    // The SDK's client reads the same card and finds the JSON-RPC interface on it.
    const c = await client(url);
    expect((await c.getAgentCard()).name).toBe('Greeter');
  });

  it('answers SendMessage with a completed task carrying the agent\'s answer', async () => {
    const c = await client(open.cards.greeter!);
    const task = taskJson(await c.sendMessage(request('Ada')));
    expect(task.status.state).toBe('TASK_STATE_COMPLETED');
    expect(statusText(task)).toBe('Hello, Ada!');
  });

  it('streams a task from submitted through working to a final completed status', async () => {
    const c = await client(open.cards.greeter!);
    const seen: string[] = [];
    for await (const ev of c.sendMessageStream(request('Grace'))) {
      const json = StreamResponse.toJSON(ev) as { task?: { status: { state: string } }; statusUpdate?: { status: { state: string; message?: { parts: { text?: string }[] } } } };
      if (json.task) seen.push(`task:${json.task.status.state}`);
      if (json.statusUpdate) seen.push(json.statusUpdate.status.state + (json.statusUpdate.status.message ? `:${json.statusUpdate.status.message.parts[0]!.text}` : ''));
    }
    expect(seen).toEqual(['task:TASK_STATE_SUBMITTED', 'TASK_STATE_WORKING', 'TASK_STATE_COMPLETED:Hello, Grace!']);
  });

  it('shows an agent that asks the human as input-required, and the next message on the task continues the run', async () => {
    const c = await client(open.cards.booker!);
    const asked = taskJson(await c.sendMessage(request('the offsite')));
    expect(asked.status.state).toBe('TASK_STATE_INPUT_REQUIRED');
    expect(statusText(asked)).toBe('Which city for the offsite?');
    const done = taskJson(await c.sendMessage(request('Lisbon', { taskId: asked.id, contextId: asked.contextId })));
    expect(done.id).toBe(asked.id);
    expect(done.status.state).toBe('TASK_STATE_COMPLETED');
    expect(statusText(done)).toBe('Done: booked Lisbon.');
    expect(done.artifacts?.map((a) => [a.name, a.parts[0]!.text])).toEqual([['booking.md', 'Booked Lisbon']]);
  });

  it('cancels a task waiting for input', async () => {
    const c = await client(open.cards.booker!);
    const asked = taskJson(await c.sendMessage(request('the retreat')));
    expect(asked.status.state).toBe('TASK_STATE_INPUT_REQUIRED');
    expect(taskJson(await c.cancelTask(CancelTaskRequest.fromJSON({ id: asked.id }))).status.state).toBe('TASK_STATE_CANCELED');
    await expect(c.sendMessage(request('Oslo', { taskId: asked.id, contextId: asked.contextId }))).rejects.toThrow(/terminal state/);
  });

  it('answers only a loopback Host and pages from loopback origins', async () => {
    const card = new URL(open.cards.greeter!);
    const status = await new Promise<number>((resolve, reject) => {
      // fetch will not set Host; node:http does, as a DNS-rebinding page's request would arrive.
      const req = httpRequest({ host: '127.0.0.1', port: card.port, path: card.pathname, headers: { host: `attacker.example:${card.port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
    const foreign = await fetch(card, { headers: { origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    expect(await foreign.text()).toMatch(/--allow-origin https:\/\/evil\.example/);
    const studio = await fetch(card, { method: 'OPTIONS', headers: { origin: 'http://127.0.0.1:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization, a2a-version' } });
    expect(studio.status).toBe(204);
    expect(studio.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');
    expect(studio.headers.get('access-control-allow-headers')).toMatch(/authorization/);
  });

  it('with a token: the card declares a bearer scheme and stays readable; requests without the token are refused, with it served', async () => {
    expect(Object.keys(guarded.cards)).toEqual(['greeter']);
    const url = guarded.cards.greeter!;
    const card = (await (await fetch(url)).json()) as Record<string, unknown>;
    expect(card.securitySchemes).toEqual({ bearer: { httpAuthSecurityScheme: expect.objectContaining({ scheme: 'Bearer' }) } });
    expect(card.securityRequirements).toEqual([{ schemes: { bearer: { list: [] } } }]);
    expect(JSON.stringify(card)).not.toContain(TOKEN);
    // One agent served: its card is also at the server's own well-known path.
    expect(await (await fetch(new URL('/.well-known/agent-card.json', url))).json()).toEqual(card);

    const c = await client(url);
    await expect(c.sendMessage(request('Eve'))).rejects.toThrow(/Unauthorized: this agent needs Authorization: Bearer/);
    await expect(c.sendMessage(request('Eve'), { serviceParameters: { Authorization: 'Bearer wrong-token' } })).rejects.toThrow(/Unauthorized: the bearer token is not/);
    const raw = await fetch(url.replace('/.well-known/agent-card.json', ''), { method: 'POST', headers: { 'content-type': 'application/json', 'a2a-version': '1.0' }, body: '{}' });
    expect(raw.status).toBe(401);
    expect(raw.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await raw.json()).toMatchObject({ jsonrpc: '2.0', error: { message: expect.stringMatching(/Unauthorized/) } });

    const task = taskJson(await c.sendMessage(request('Eve'), { serviceParameters: { Authorization: `Bearer ${TOKEN}` } }));
    expect(statusText(task)).toBe('Hello, Eve!');
    expect(guarded.output()).not.toContain(TOKEN);
  });

  it('says what is wrong: a bad file, an unknown agent, an unset token variable, a port in use', async () => {
    const file = path.join(dir, 'desk.json');
    const port = new URL(open.cards.greeter!).port;
    const io = (env: Record<string, string> = {}): CliIo => ({ readFile: (p) => readFileSync(p, 'utf8'), writeFile: () => undefined, env });
    const cases: [string[], Record<string, string>, RegExp][] = [
      [[path.join(dir, 'missing.json')], {}, /missing\.json: no such file/],
      [[file, '--agent', 'nobody'], {}, /has no agent "nobody" \(its agents: greeter, booker\)/],
      [[file, '--token-env', 'UNSET_DESK_TOKEN'], { UNSET_DESK_TOKEN: ' ' }, /UNSET_DESK_TOKEN is not set/],
      [[file, '--port', port], {}, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: the port is in use`)],
      [[file, '--approve', 'maybe'], {}, /--approve: expected ask, all or none/],
      [[file, '--max-wall-time', '0'], {}, /--max-wall-time: expected an integer from 1 to 86400 \(seconds\), found "0"/],
      [[file, '--trace-dir', path.join(dir, 'no-such-dir')], {}, /--trace-dir: .*no-such-dir is not a directory \(create it first\)/],
    ];
    for (const [args, env, message] of cases) {
      const r = await serveCommand(args, io(env), () => expect.unreachable('nothing is served'));
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });
});
