/**
 * Tools are system calls. A ToolClass is the ops table for one implementation kind; the
 * kernel's single choke point (Kernel.syscall) checks permission, then asks the class how
 * long the call takes and, when it returns, what it returned.
 */
import type { ArchiveHit } from '../memory/archiveStore';
import type { KernelState } from '../state/state';
import { DURABLE_TOOL, PROC_TOOL, type ToolSpec } from '../spec';
import type { RetrievedChunk } from '../trace/events';
import { rankDocuments } from './search';
import type { McpCallResult, McpRecord } from './mcp';

export interface ToolCall {
  agent: string;
  tool: string;
  args: Record<string, unknown>;
  /** A fresh id for anything the call creates. */
  newId: string;
  /** The call's id in the trace (an MCP call's result is recorded and looked up by it). */
  callId?: string;
}

/** What a tool may reach besides the state: the run's archive (the ArchiveStore port) and the caller's tokenizer. */
export interface ToolIO {
  /** Top-k of a store as the calling agent sees it (its copy-on-write clone of a session store, once it wrote). */
  search(store: string, query: string, k: number): Promise<ArchiveHit[]>;
  hasStore(store: string): boolean;
  /** Tokens in the caller's model's encoding. */
  count(text: string): number;
  /** Calls a tool of a declared MCP server through the host (absent: this host has no MCP client). */
  mcp?(server: string, tool: string, call: ToolCall): Promise<McpCallResult>;
}

export interface ToolOutcome {
  ok: boolean;
  result: string;
  stored?: { store: string; id: string; text: string };
  /** Search hits: each enters the window as its own `retrieved` segment with provenance. */
  chunks?: RetrievedChunk[];
  /** A core memory edit (MemGPT core_memory_append / _replace). */
  core?: { label: string; text: string; mode: 'append' | 'replace'; tokens: number };
  /** An MCP call: which server and tool answered, and how (recorded on tool.returned). */
  mcp?: McpRecord;
}

/** What the permission check needs: the id the agent must hold a capability for, and the access. */
export interface ToolTarget {
  target: string;
  access: 'use' | 'read' | 'write';
}

export interface ToolClass {
  readonly kind: string;
  /** Which capability the call needs. Pure. */
  target(spec: ToolSpec | undefined, call: ToolCall): ToolTarget | { error: string };
  /** Virtual milliseconds the call takes. Pure. */
  latency(spec: ToolSpec | undefined): number;
  /**
   * Runs the call against the state at its return time. Changes travel in the outcome, never
   * by mutation. May await the archive (search); the kernel records the outcome in the trace.
   */
  execute(spec: ToolSpec | undefined, call: ToolCall, state: Readonly<KernelState>, io: ToolIO): ToolOutcome | Promise<ToolOutcome>;
  /**
   * The store the call would add a chunk to, when it writes one (left out: it writes no store).
   * Pure; asked by the syscall choke point (loop/syscalls.ts) before the call runs, for the region check.
   */
  writes?(spec: ToolSpec | undefined, call: ToolCall): string | null;
  /**
   * The store the call would read chunks from into the window, when it reads one (left out: it reads no store).
   * Pure; asked by the syscall choke point (loop/syscalls.ts) before the call runs, for the region check.
   */
  reads?(spec: ToolSpec | undefined, call: ToolCall): string | null;
}

/**
 * The store a call touches and how (its class's writes op, else its reads op), or null: the
 * `store:ID` reference the region check takes (loop/syscalls.ts decides with it; explainAccess explains with it).
 */
export function storeAccessOf(cls: ToolClass | undefined, spec: ToolSpec | undefined, call: ToolCall): { ref: string; access: 'read' | 'write' } | null {
  const written = cls?.writes?.(spec, call);
  if (written != null) return { ref: `store:${written}`, access: 'write' };
  const read = cls?.reads?.(spec, call);
  return read != null ? { ref: `store:${read}`, access: 'read' } : null;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v));

/** A ranked search of a store through the archive port, as the result text and one retrieved chunk per hit. */
async function searchStore(io: ToolIO, store: string, query: string, k: number): Promise<ToolOutcome> {
  if (!io.hasStore(store)) return { ok: false, result: `no store "${store}"` };
  const hits = await io.search(store, query, k);
  if (hits.length === 0) return { ok: true, result: `no results for "${query}"` };
  return {
    ok: true,
    result: hits.map((h, i) => `[${i + 1}] ${h.chunk.text}`).join('\n'),
    chunks: hits.map(({ chunk }) => ({
      text: chunk.text, tokens: io.count(chunk.text), source: chunk.id.startsWith(`${store}#`) ? `archive:${chunk.id}` : `archive:${store}#${chunk.id}`, trust: chunk.trust, valid: chunk.valid !== false,
      ...(chunk.taint && chunk.taint.length > 0 ? { taint: [...chunk.taint] } : {}),
    })),
  };
}

const simTool: ToolClass = {
  kind: 'sim',
  target: (_spec, call) => ({ target: call.tool, access: 'use' }),
  latency: (spec) => (spec?.impl.kind === 'sim' ? spec.impl.latencyMs : 100),
  execute(spec, call) {
    const template = spec?.impl.kind === 'sim' ? spec.impl.result : '';
    const result = template.replace(/\{\{\s*args\.([A-Za-z0-9_-]+)\s*\}\}/g, (_w, name: string) => str(call.args[name]));
    return { ok: true, result: result === '' ? `${spec?.name ?? call.tool} ok` : result };
  },
};

const searchTool: ToolClass = {
  kind: 'search',
  target: (_spec, call) => ({ target: call.tool, access: 'use' }),
  latency: (spec) => (spec?.impl.kind === 'search' ? spec.impl.latencyMs : 200),
  execute(spec, call, _state, io) {
    if (spec?.impl.kind !== 'search') return { ok: false, result: 'not a search tool' };
    return searchStore(io, spec.impl.store, str(call.args.query), spec.impl.topK);
  },
  reads: (spec) => (spec?.impl.kind === 'search' ? spec.impl.store : null),
};

const insertTool: ToolClass = {
  kind: 'archival_insert',
  target: (_spec, call) => ({ target: call.tool, access: 'use' }),
  latency: (spec) => (spec?.impl.kind === 'archival_insert' ? spec.impl.latencyMs : 20),
  execute(spec, call) {
    if (spec?.impl.kind !== 'archival_insert') return { ok: false, result: 'not an insert tool' };
    const text = str(call.args.text);
    return { ok: true, result: `stored as ${call.newId}`, stored: { store: spec.impl.store, id: call.newId, text } };
  },
  writes: (spec) => (spec?.impl.kind === 'archival_insert' ? spec.impl.store : null),
};

/** Built-in memory system calls (MemGPT style): they act on a store named in the arguments. */
const builtinSearch: ToolClass = {
  kind: 'builtin:archival_search',
  target: (_spec, call) => (typeof call.args.store === 'string' ? { target: call.args.store, access: 'read' } : { error: 'archival_search needs a "store" argument' }),
  latency: () => 50,
  execute: (_spec, call, _state, io) => searchStore(io, str(call.args.store), str(call.args.query), 3),
  reads: (_spec, call) => (typeof call.args.store === 'string' ? call.args.store : null),
};

const builtinInsert: ToolClass = {
  kind: 'builtin:archival_insert',
  target: (_spec, call) => (typeof call.args.store === 'string' ? { target: call.args.store, access: 'write' } : { error: 'archival_insert needs a "store" argument' }),
  latency: () => 20,
  execute(_spec, call, _state, io) {
    const store = str(call.args.store);
    if (!io.hasStore(store)) return { ok: false, result: `no store "${store}"` };
    return { ok: true, result: `stored as ${call.newId}`, stored: { store, id: call.newId, text: str(call.args.text) } };
  },
  writes: (_spec, call) => (typeof call.args.store === 'string' ? call.args.store : null),
};

/** MemGPT conversation_search: the agent's own past messages, in the window and in recall storage. */
const conversationSearch: ToolClass = {
  kind: 'builtin:conversation_search',
  target: (_spec, call) => ({ target: call.agent, access: 'use' }),
  latency: () => 30,
  execute(_spec, call, state, io) {
    const p = state.procs[call.agent];
    if (!p) return { ok: false, result: 'no such agent' };
    const past = [...p.recall, ...p.context].filter((x) => x.kind !== 'system' && x.kind !== 'core');
    const docs = past.map((x) => ({ id: x.id, text: x.text, tags: [], trust: x.trust, valid: x.validity >= 0.5, source: x.source, t: x.t, ...(x.taint ? { taint: x.taint } : {}) }));
    const hits = rankDocuments(docs, str(call.args.query), 3);
    if (hits.length === 0) return { ok: true, result: `nothing in my history about "${str(call.args.query)}"` };
    return {
      ok: true,
      result: hits.map((h, i) => `[${i + 1}] ${h.doc.text}`).join('\n'),
      // A recalled segment brings back the labels it had in the window.
      chunks: hits.map((h) => ({ text: h.doc.text, tokens: io.count(h.doc.text), source: `recall:${h.doc.id}`, trust: h.doc.trust, valid: h.doc.valid, ...(h.doc.taint && h.doc.taint.length > 0 ? { taint: [...h.doc.taint] } : {}) })),
    };
  },
};

const coreEdit = (mode: 'append' | 'replace'): ToolClass => ({
  kind: `builtin:core_memory_${mode}`,
  target: (_spec, call) => (typeof call.args.label === 'string' ? { target: call.agent, access: 'use' } : { error: `core_memory_${mode} needs a "label" argument` }),
  latency: () => 10,
  execute(_spec, call, _state, io) {
    const text = str(call.args.text);
    return { ok: true, result: `core memory "${str(call.args.label)}" ${mode === 'append' ? 'appended' : 'replaced'}`, core: { label: str(call.args.label), text, mode, tokens: io.count(text) } };
  },
});

/**
 * A /proc read: the caller reads through its own mount (target: itself, no handle needed); whose
 * state it reads is `args.agent` (default itself), which the policy stack decides (trust/procAccess.ts).
 * Its result is the text the kernel recorded on `proc.read` just before (loop/syscalls.ts).
 */
const procRead: ToolClass = {
  kind: 'builtin:proc',
  target: (_spec, call) => (call.args.agent === undefined || typeof call.args.agent === 'string' ? { target: call.agent, access: 'read' } : { error: 'proc\'s "agent" must be an agent id (a string)' }),
  latency: () => 5,
  execute(_spec, call, state) {
    const read = state.procs[call.agent]?.call?.read;
    return read === undefined ? { ok: false, result: 'the /proc read was not recorded' } : { ok: true, result: read };
  },
};

/**
 * The built-in `cap_durable` call (trust/durable.ts): its target is the handle's target, its result
 * the text the kernel recorded on `cap.promoted` just before (loop/syscalls.ts).
 */
const durableGrant: ToolClass = {
  kind: 'builtin:cap_durable',
  target: (_spec, call) => (typeof call.args.target === 'string' ? { target: call.args.target, access: 'read' } : { error: 'cap_durable\'s "target" must be a tool or store id (a string)' }),
  latency: () => 5,
  execute(_spec, call, state) {
    const read = state.procs[call.agent]?.call?.read;
    return read === undefined ? { ok: false, result: 'the promotion was not recorded' } : { ok: true, result: read };
  },
};

/** The outcome of an MCP call as the kernel records it. */
export function mcpOutcome(server: string, tool: string, r: McpCallResult): ToolOutcome {
  const mcp: McpRecord = { server, tool, ...(r.isError ? { isError: true } : {}), ...(r.progress ? { progress: { ...r.progress } } : {}) };
  return { ok: r.ok, result: r.text, mcp };
}

/** A tool of an MCP server (tools/mcp.ts): its target is the tool (a `use` capability), its latency declared, its result the host's. */
const mcpTool: ToolClass = {
  kind: 'mcp',
  target: (_spec, call) => ({ target: call.tool, access: 'use' }),
  latency: (spec) => (spec?.impl.kind === 'mcp' ? spec.impl.latencyMs : 100),
  execute(spec, call, _state, io) {
    if (spec?.impl.kind !== 'mcp') return { ok: false, result: 'not an MCP tool' };
    const { server, tool } = spec.impl;
    if (!io.mcp) return mcpOutcome(server, tool, { ok: false, isError: true, text: `MCP server "${server}": this host has no MCP client, so ${tool} was not called` });
    return io.mcp(server, tool, call).then((r) => mcpOutcome(server, tool, r));
  },
};

/** Names of the built-in system calls every agent may attempt (permission still applies). */
export const BUILTIN_TOOLS: Readonly<Record<string, ToolClass>> = Object.freeze({
  archival_search: builtinSearch,
  archival_insert: builtinInsert,
  conversation_search: conversationSearch,
  core_memory_append: coreEdit('append'),
  core_memory_replace: coreEdit('replace'),
  [PROC_TOOL]: procRead,
  [DURABLE_TOOL]: durableGrant,
});

const BY_KIND: Readonly<Record<string, ToolClass>> = Object.freeze({ sim: simTool, search: searchTool, archival_insert: insertTool, mcp: mcpTool });

/** The class that runs a call: a declared tool by its impl kind, else a built-in, else none. */
export function toolClassFor(spec: ToolSpec | undefined, name: string): ToolClass | undefined {
  if (spec) return BY_KIND[spec.impl.kind];
  return BUILTIN_TOOLS[name];
}

export function isKnownToolKind(kind: string): boolean {
  return kind in BY_KIND;
}
