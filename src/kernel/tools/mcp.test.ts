/**
 * MCP tools in the kernel with a fake host: the policy stack decides each call before the host
 * is asked, the result and the server's trust are recorded, and restore, fork and replay answer
 * recorded calls from the trace without asking the host again.
 */
import { describe, expect, it } from 'vitest';
import { Kernel } from '../kernel';
import { loadEncodingsFor } from '../tokens';
import { parseHarness, type HarnessSpec, type HarnessSpecInput } from '../spec';
import type { EventOf, KernelEvent } from '../trace/events';
import type { McpCallRequest, McpCallResult, McpPort } from './mcp';
import { McpNotRecordedError, RecordedMcp } from './mcpRecorded';

const of = <T extends KernelEvent['type']>(events: readonly KernelEvent[], type: T) => events.filter((e): e is EventOf<T> => e.type === type);

function doc(edit?: (d: HarnessSpecInput) => void): HarnessSpec {
  const d: HarnessSpecInput = {
    version: 1,
    name: 'mcp',
    models: [{ id: 'm', name: 'sim' }],
    mcpServers: [{ id: 'ev', name: 'everything', url: 'http://127.0.0.1:9/mcp', trust: 'untrusted' }],
    tools: [
      { id: 'mcp__ev__echo', name: 'echo', mainArg: 'message', args: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] }, impl: { kind: 'mcp', server: 'ev', tool: 'echo' } },
      { id: 'mcp__ev__get-sum', name: 'get-sum', impl: { kind: 'mcp', server: 'ev', tool: 'get-sum', latencyMs: 40 } },
    ],
    agents: [{
      id: 'a', name: 'A', model: 'm',
      capabilities: [{ target: 'mcp__ev__echo' }, { target: 'mcp__ev__get-sum' }],
      behaviour: [
        { op: 'call', tool: 'mcp__ev__get-sum', args: { a: 2, b: 3 }, as: 'sum' },
        { op: 'call', tool: 'mcp__ev__echo', args: { message: 'secret: the key' } },
        { op: 'finish', text: '{{var.sum}}' },
      ],
    }],
    policy: { scopes: [{ id: 'org', level: 'org', rules: [{ id: 'no-secrets', effect: 'deny', match: 'mcp__ev__echo(secret*)' }] }] },
  };
  edit?.(d);
  const r = parseHarness(d);
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('; '));
  return r.spec;
}

class FakeHost implements McpPort {
  readonly calls: McpCallRequest[] = [];
  async call(req: McpCallRequest): Promise<McpCallResult> {
    this.calls.push(req);
    if (req.tool === 'get-sum') return { ok: true, text: `The sum of ${String(req.args.a)} and ${String(req.args.b)} is 5.`, progress: { progress: 1, total: 1 } };
    return { ok: true, text: `Echo: ${String(req.args.message)}` };
  }
}

async function run(spec: HarnessSpec, mcp?: McpPort): Promise<Kernel> {
  await loadEncodingsFor(spec);
  const k = Kernel.create(spec, { runId: 'r', seed: 1, ...(mcp ? { mcp } : {}) });
  await k.runUntil();
  return k;
}

describe('MCP tools in the kernel', () => {
  it('a deny rule on the tool and its main argument stops the call before the host is asked; an allowed call is recorded with its server trust', async () => {
    const host = new FakeHost();
    const k = await run(doc(), host);
    expect(host.calls.map((c) => c.tool)).toEqual(['get-sum']);
    expect(host.calls[0]).toMatchObject({ server: { id: 'ev', url: 'http://127.0.0.1:9/mcp' }, args: { a: 2, b: 3 }, agent: 'a' });
    const denied = of(k.events, 'tool.denied');
    expect(denied).toHaveLength(1);
    expect(denied[0]).toMatchObject({ tool: 'mcp__ev__echo', decision: { effect: 'deny', rule: 'no-secrets', scope: 'org' } });
    const ret = of(k.events, 'tool.returned')[0]!;
    expect(ret).toMatchObject({ tool: 'mcp__ev__get-sum', ok: true, result: 'The sum of 2 and 3 is 5.', trust: 'untrusted', ms: 40, mcp: { server: 'ev', tool: 'get-sum', progress: { progress: 1, total: 1 } } });
    // An untrusted server's result taints what derives from it, like any untrusted tool's.
    expect(ret.taint).toEqual([`tool:mcp__ev__get-sum#${ret.callId}`]);
    expect(k.state.procs.a!.context.some((s) => s.text.includes('The sum of 2 and 3 is 5.') && s.trust === 'untrusted')).toBe(true);
  });

  it('a trusted server: its results carry no taint label', async () => {
    const k = await run(doc((d) => { d.mcpServers![0]!.trust = 'trusted'; }), new FakeHost());
    const ret = of(k.events, 'tool.returned')[0]!;
    expect(ret.trust).toBe('trusted');
    expect(ret.taint).toBeUndefined();
  });

  it('without an MCP client the call fails plainly and the failure is recorded', async () => {
    const k = await run(doc());
    expect(of(k.events, 'tool.returned')[0]).toMatchObject({ ok: false, mcp: { server: 'ev', tool: 'get-sum', isError: true } });
    expect(of(k.events, 'tool.returned')[0]!.result).toMatch(/no MCP client/);
  });

  it('restore, fork and replay answer from the trace: the host is never asked again', async () => {
    const spec = doc();
    const original = await run(spec, new FakeHost());
    const events = original.events;
    const calledAt = of(events, 'tool.called')[0]!.seq;

    // A replay: a fresh kernel whose MCP port answers only from the record.
    const replayHost = new FakeHost();
    const replay = Kernel.create(spec, { runId: 'r', seed: 1, mcp: RecordedMcp.fromTrace(events) });
    await replay.runUntil();
    expect(replay.traceHash()).toBe(original.traceHash());
    expect(replayHost.calls).toHaveLength(0);

    // A fork right after the call was made (before it returned): its result comes from the record.
    const forkHost = new FakeHost();
    const fork = Kernel.fork(events, spec, { runId: 'f', seed: 1, mcp: forkHost, parent: { run: 'r', seq: calledAt } });
    await fork.runUntil();
    expect(forkHost.calls).toHaveLength(0);
    expect(of(fork.events, 'tool.returned')[0]!.result).toBe('The sum of 2 and 3 is 5.');

    // A restore of the whole run for stepping on: nothing to call.
    const restoreHost = new FakeHost();
    const restored = Kernel.restore(events, spec, { runId: 'r', seed: 1, mcp: restoreHost });
    await restored.runUntil();
    expect(restoreHost.calls).toHaveLength(0);
  });

  it('a replay that needs a result the trace does not hold says so instead of calling', async () => {
    const spec = doc();
    await loadEncodingsFor(spec);
    const k = Kernel.create(spec, { runId: 'r', seed: 1, mcp: RecordedMcp.fromTrace([]) });
    await expect(k.runUntil()).rejects.toBeInstanceOf(McpNotRecordedError);
  });
});

describe('MCP servers in the document', () => {
  const issues = (d: Record<string, unknown>) => {
    const r = parseHarness(d);
    return r.ok ? [] : r.issues.map((i) => i.message);
  };
  const base = { version: 1, name: 'x', models: [{ id: 'm', name: 'sim' }] };

  it('names the path of a dangling server reference, a server with both or neither url and command, and a bad URL', () => {
    expect(issues({ ...base, tools: [{ id: 't', name: 't', impl: { kind: 'mcp', server: 'nope', tool: 'echo' } }] })).toContain(
      'tools[0].impl.server: expected the id of an MCP server, found "nope", which does not exist',
    );
    expect(issues({ ...base, mcpServers: [{ id: 's', url: 'http://x/mcp', command: 'node' }] }).join('\n')).toMatch(/mcpServers\[0\]\.url: give exactly one of "url"/);
    expect(issues({ ...base, mcpServers: [{ id: 's' }] }).join('\n')).toMatch(/mcpServers\[0\]\.url: give exactly one/);
    expect(issues({ ...base, mcpServers: [{ id: 's', url: 'ftp://x' }] }).join('\n')).toMatch(/mcpServers\[0\]\.url: an http:\/\/ or https:\/\/ URL/);
    expect(issues({ ...base, mcpServers: [{ id: 's', url: 'http://x/mcp', headers: { Authorization: 'Bearer x' } }] }).join('\n')).toMatch(/mcpServers\[0\]: unknown field headers/);
    expect(issues({ ...base, mcpServers: [{ id: 's', url: 'http://x/mcp' }], tools: [{ id: 's', name: 't' }] }).join('\n')).toMatch(/duplicate id "s"/);
  });
});
