/**
 * System calls: every tool call is decided by the policy stack (trust/gate.ts) at this choke
 * point, and, once allowed, carried out by its tool class when the clock reaches its latency.
 */
import type { Proc } from '../state/state';
import { countTokens } from '../tokens';
import { storeAccessOf, toolClassFor, type ToolIO, type ToolOutcome } from '../tools/toolClass';
import type { McpPort } from '../tools/mcp';
import { DURABLE_TOOL, PROC_TOOL, toolTrust } from '../spec';
import { promotable, promotedHandle } from '../trust/durable';
import { procSnapshot } from '../proc';
import { procReadOf } from '../trust/procAccess';
import type { GateResult } from '../trust/gate';
import { decideSyscall, decisionRecord } from '../trust/syscallDecision';
import { joinLabels, labelOf } from '../trust/taint';
import type { KernelEvent, RetrievedChunk } from '../trace/events';
import type { RunContext, Step } from './runContext';
import { storeOf } from '../memory/validityChecks';
import { regionRefusal } from '../region/regionFault';

/** The id of what a call creates (a stored chunk's). */
const newIdOf = (call: { tool: string; callId: string }): string => `${call.tool}-${call.callId}`;

/**
 * The system-call choke point: every tool call is decided here by the policy stack
 * (trust/gate.ts), and the decision names the module, rule and scope that made it.
 */
export function decideCall(ctx: RunContext, p: Proc): KernelEvent {
  const call = p.call!;
  const mode = ctx.spec.policy.mode;
  const spec = ctx.tools.get(call.tool);
  const cls = toolClassFor(spec, call.tool);
  const gate: GateResult = decideSyscall(ctx.gate, ctx.s, p.id, call, spec, cls, mode);
  const decision = decisionRecord(gate, call.taint ?? []);
  const base = { agent: p.id, callId: call.callId, tool: call.tool, decision };
  if (decision.effect === 'deny') return ctx.emit({ type: 'tool.denied', ...base });
  // A chunk written into a store, or a search of one, passes the store's region like an artifact
  // write or a lazy fault (before a person is asked to approve it): refused, no result enters the window.
  const touched = storeAccessOf(cls, spec, { agent: p.id, tool: call.tool, args: call.args, newId: newIdOf(call) });
  if (touched !== null) {
    const refused = regionRefusal(ctx.s, ctx.spec.regions, p.id, touched.ref, touched.access, { callId: call.callId, tool: call.tool });
    if (refused !== null) return ctx.emit(refused);
  }
  if (decision.effect === 'ask') return ctx.emit({ type: 'tool.asked', ...base });
  return ctx.emit({ type: 'tool.allowed', ...base, until: ctx.s.now + cls!.latency(spec) });
}

/** The labels a retrieved chunk brings back: those it rested with, else its own when it is an untrusted document. */
function chunkLabels(c: RetrievedChunk): string[] {
  if (c.taint && c.taint.length > 0) return c.taint;
  return c.trust === 'untrusted' ? [`doc:${c.source.replace(/^archive:/, '')}`] : [];
}

/** Chunks of a store that declares validity checks are marked: they enter valid, and the checks judge them (loop/validitySource.ts). */
function judgedChunks(ctx: RunContext, chunks: RetrievedChunk[]): RetrievedChunk[] {
  if (!ctx.spec.stores.some((st) => st.validity !== undefined)) return chunks;
  return chunks.map((c) => {
    const store = storeOf(c);
    return store !== null && ctx.spec.stores.some((st) => st.id === store && st.validity !== undefined) ? { ...c, judged: true as const } : c;
  });
}

/** The allowed call's latency has passed: the tool runs and its result returns (or a session store is copied first). */
export function returnTool(ctx: RunContext, p: Proc): Step {
  const call = p.call!;
  const spec = ctx.tools.get(call.tool);
  const cls = toolClassFor(spec, call.tool)!;
  if (!spec && call.tool === PROC_TOOL && call.read === undefined) return readProc(ctx, p);
  if (!spec && call.tool === DURABLE_TOOL && call.read === undefined) return promote(ctx, p);
  const enc = p.encoding;
  const io: ToolIO = {
    search: (store: string, query: string, k: number) => ctx.archive.search(store, query, k, p.id),
    hasStore: (store: string) => ctx.archive.has(store),
    count: (text: string) => countTokens(text, enc),
    ...(ctx.mcp ? { mcp: mcpCaller(ctx, ctx.mcp, p.id) } : {}),
  };
  const returned = (outcome: ToolOutcome): KernelEvent => {
    const stored = outcome.stored;
    if (stored && ctx.storeTiers.get(stored.store) === 'session' && !ctx.s.views[stored.store]?.[p.id]) {
      // The first write to a session-tier store: a private copy-on-write view first, then the write into it.
      return ctx.emit({ type: 'mem.cow', agent: p.id, store: stored.store, base: ctx.s.stores[stored.store]?.length ?? 0 }, call.until);
    }
    const trust = spec ? toolTrust(spec, ctx.spec) : 'trusted';
    // What the result carries: this call's label when the tool is untrusted, and each chunk's
    // labels at rest (or its own label when it is an untrusted document).
    const taint = joinLabels(trust === 'untrusted' ? [labelOf('tool', call.tool, call.callId)] : [], ...(outcome.chunks ?? []).map(chunkLabels));
    // What a call writes (a note, a core block) rests with the labels of the arguments it was made from.
    const argTaint = call.taint ?? [];
    const atRest = argTaint.length > 0 ? { taint: [...argTaint] } : {};
    return ctx.emit({
      type: 'tool.returned', agent: p.id, callId: call.callId, tool: call.tool, ok: outcome.ok, result: outcome.result,
      tokens: countTokens(outcome.result, enc), ms: cls.latency(spec), trust,
      ...(stored ? { stored: { ...stored, ...(ctx.storeTiers.has(stored.store) ? { tier: ctx.storeTiers.get(stored.store)! } : {}), ...atRest } } : {}),
      ...(outcome.chunks ? { chunks: judgedChunks(ctx, outcome.chunks) } : {}), ...(outcome.core ? { core: { ...outcome.core, ...atRest } } : {}),
      ...(taint.length > 0 ? { taint } : {}), ...(ctx.agents.get(p.id)?.executeOnly ? { hidden: true } : {}),
      ...(outcome.mcp ? { mcp: outcome.mcp } : {}),
    }, call.until);
  };
  const r = cls.execute(spec, { agent: p.id, tool: call.tool, args: call.args, newId: newIdOf(call), callId: call.callId }, ctx.s, io);
  return r instanceof Promise ? r.then(returned) : returned(r);
}

/**
 * A /proc read reaches its return time: the kernel records what the reader sees (`proc.read`,
 * the snapshot of the state now), then the call returns that text (the next step).
 */
function readProc(ctx: RunContext, p: Proc): KernelEvent {
  const call = p.call!;
  const of = procReadOf(p.id, call.args);
  const snapshot = procSnapshot(ctx.s, ctx.spec, of, (s, agent) => (s === ctx.s ? ctx.index.handlesOfAgent(s, agent) : null));
  if (snapshot === null) throw new Error(`proc.read: ${of} has no process (the gate admits only running agents)`);
  return ctx.emit({ type: 'proc.read', agent: p.id, callId: call.callId, of, snapshot }, call.until);
}

/**
 * An approved `cap_durable` call reaches its return time: the kernel records the durable handle
 * (`cap.promoted`, naming the approval), then the call returns its description (the next step).
 */
function promote(ctx: RunContext, p: Proc): KernelEvent {
  const call = p.call!;
  const from = promotable(Object.values(ctx.s.handles), p.id, String(call.args.target), ctx.s.now);
  if (from === null) throw new Error(`cap.promoted: ${p.id} no longer holds a job-scoped handle on ${String(call.args.target)}`);
  let approval = -1;
  for (let i = ctx.log.length - 1; i >= 0; i--) {
    const e = ctx.log[i]!;
    if (e.type === 'tool.approved' && e.callId === call.callId) {
      approval = e.seq;
      break;
    }
  }
  return ctx.emit({ type: 'cap.promoted', agent: p.id, callId: call.callId, from: from.id, handle: promotedHandle(from, `h${ctx.s.nextId}`, ctx.s.now), approval }, call.until);
}

/** How a tool reaches an MCP server: through the host's port, with the server as the document declares it. */
function mcpCaller(ctx: RunContext, port: McpPort, agent: string): NonNullable<ToolIO['mcp']> {
  return (serverId, tool, call) => {
    const server = ctx.spec.mcpServers?.find((s) => s.id === serverId);
    if (!server) return Promise.resolve({ ok: false, isError: true, text: `there is no MCP server "${serverId}" in the document` });
    return port.call({ server, tool, args: call.args, agent, callId: call.callId ?? call.newId });
  };
}
