/**
 * The agent's API membrane for a real model: the functions it is offered (its declared tools
 * with their JSON Schemas, plus the kernel's own operations) and the mapping of a call it makes
 * back to an Action. Every Action then goes through the same syscall gate as the sim's. A call
 * that does not map (unknown function, invalid JSON, arguments failing the schema) is a typed
 * {@link CallError}, recorded on `infer.completed` and shown to the model on its next turn.
 */
import type { AgentSpec, ChannelSpec, HarnessSpec, ToolSpec } from '../spec';
import { HUMAN, PROC_TOOL } from '../spec';
import { BUILTIN_ARG_SCHEMAS, validateArgs } from '../trust/execOnly';
import type { Action } from '../cpu/cpu';
import { KERNEL_FUNCTIONS, type CallError, type FunctionDef } from '../cpu/calls';

const str = (description: string): Record<string, unknown> => ({ type: 'string', description });

function wireName(id: string): string {
  const safe = id.replace(/[^A-Za-z0-9_-]/g, '_');
  return (KERNEL_FUNCTIONS as readonly string[]).includes(safe) ? `tool_${safe}` : safe;
}

/** What an agent's memory offers a real model: the stores its capabilities reach, and its core memory labels. */
export interface AgentMemoryOffer {
  stores: readonly { id: string; read: boolean; write: boolean }[];
  coreLabels: readonly string[];
}

/** The stores an agent's capabilities reach (knowledge stores read-only) and its core memory labels. */
export function memoryOffer(agent: AgentSpec, spec: Pick<HarnessSpec, 'stores'>): AgentMemoryOffer {
  const stores: { id: string; read: boolean; write: boolean }[] = [];
  for (const cap of agent.capabilities) {
    const store = spec.stores.find((st) => st.id === cap.target);
    if (!store) continue;
    const write = store.kind !== 'knowledge' && (cap.access === 'write' || cap.access === 'readwrite');
    stores.push({ id: store.id, read: cap.access !== 'write', write });
  }
  return { stores, coreLabels: agent.memory.coreBlocks.map((b) => b.label) };
}

/** A built-in memory call's schema with its string fields narrowed to the values the agent may name. */
function narrowed(id: string, enums: Readonly<Record<string, readonly string[]>>): Record<string, unknown> {
  const base = BUILTIN_ARG_SCHEMAS[id] as { properties: Record<string, object> } & Record<string, unknown>;
  const properties: Record<string, object> = {};
  for (const [k, v] of Object.entries(base.properties)) properties[k] = enums[k] ? { ...v, enum: [...enums[k]!] } : v;
  return { ...base, properties };
}

const BUILTIN_DESCRIPTIONS: Readonly<Record<string, string>> = {
  archival_search: 'Search an archival or knowledge store you may read; the best passages come back.',
  archival_insert: 'Store a passage in an archival store you may write, for later searches.',
  conversation_search: 'Search your own past conversation, including what left your context window.',
  core_memory_append: 'Append text to one of your core memory blocks (always in your context).',
  core_memory_replace: 'Replace the text of one of your core memory blocks.',
};

/**
 * The functions an agent may call: each tool it may use (declared tools with their schema,
 * built-in memory calls with theirs), then the kernel operations. `send_message` lists only
 * the peers the document gives it a channel to; `read_proc` (with `proc`: the agent's `proc: true`) reads /proc (kernel/proc). With `memory`, a capability on a store is not a
 * function of its own: the built-in memory calls are offered instead (archival_search over the
 * stores it may read, archival_insert over those it may write, conversation_search, and
 * core_memory_* over its core blocks), as the sim may call them; the syscall gate still decides
 * each call. Pure and deterministic (same order each turn).
 */
export function agentFunctions(agent: string, tools: readonly string[], declared: ReadonlyMap<string, ToolSpec>, channels: readonly ChannelSpec[], memory?: AgentMemoryOffer, proc = false, spawn = false): FunctionDef[] {
  const out: FunctionDef[] = [];
  const storeIds = new Set(memory?.stores.map((st) => st.id));
  const offered = new Set<string>();
  for (const id of tools) {
    const spec = declared.get(id);
    if (memory && !spec && (storeIds.has(id) || !(id in BUILTIN_ARG_SCHEMAS))) continue;
    if (offered.has(id)) continue;
    offered.add(id);
    const schema = (spec?.args ?? BUILTIN_ARG_SCHEMAS[id] ?? { type: 'object', properties: {} }) as Record<string, unknown>;
    out.push({ name: wireName(id), description: spec ? spec.description || spec.name : `built-in memory call ${id}`, parameters: schema, op: 'tool', tool: id });
  }
  if (memory) {
    const readable = memory.stores.filter((st) => st.read).map((st) => st.id);
    const writable = memory.stores.filter((st) => st.write).map((st) => st.id);
    const builtins: [string, Record<string, readonly string[]> | null][] = [
      ['archival_search', readable.length > 0 ? { store: readable } : null],
      ['archival_insert', writable.length > 0 ? { store: writable } : null],
      ['conversation_search', {}],
      ['core_memory_append', memory.coreLabels.length > 0 ? { label: memory.coreLabels } : null],
      ['core_memory_replace', memory.coreLabels.length > 0 ? { label: memory.coreLabels } : null],
    ];
    for (const [id, enums] of builtins) {
      if (enums === null || offered.has(id) || declared.has(id)) continue;
      offered.add(id);
      out.push({ name: id, description: BUILTIN_DESCRIPTIONS[id]!, parameters: narrowed(id, enums), op: 'tool', tool: id });
    }
  }
  const peers = channels.filter((c) => c.from === agent).map((c) => c.to);
  const to = [...new Set(peers)];
  if (to.length > 0) {
    out.push({
      name: 'send_message', op: 'send',
      description: `Send a message on one of your channels (to: ${to.join(', ')}${to.includes(HUMAN) ? '; human is the person at the studio' : ''}).`,
      parameters: { type: 'object', properties: { to: { type: 'string', enum: to }, text: str('the message') }, required: ['to', 'text'], additionalProperties: false },
    });
  }
  out.push(
    {
      name: 'receive_message', op: 'recv', description: 'Wait for the next message (from one sender, or anyone).',
      parameters: { type: 'object', properties: { from: str('the sender to wait for; omit for anyone') }, additionalProperties: false },
    },
    {
      name: 'write_artifact', op: 'write', description: 'Write (or overwrite) a named artifact: the work product of the run.',
      parameters: { type: 'object', properties: { name: str('artifact name, e.g. report.md'), text: str('its full content') }, required: ['name', 'text'], additionalProperties: false },
    },
    {
      name: 'read_reference', op: 'read', description: 'Page in a reference you were given (e.g. store:NAME#CHUNK) into your context.',
      parameters: { type: 'object', properties: { ref: str('the reference') }, required: ['ref'], additionalProperties: false },
    },
  );
  // /proc, for an agent that asks for it (`proc: true`): its own runtime state (another's needs an
  // allow rule). Opt-in: every function offered costs prompt tokens on every turn, and a small
  // local model's output grammar grows with each. A declared tool named proc keeps the name.
  if (proc && !declared.has(PROC_TOOL)) {
    out.push({
      name: 'read_proc', op: 'tool', tool: PROC_TOOL,
      description: 'Read /proc: your runtime state as JSON (budget left, context window use and pressure thresholds, scheduling numbers, open tasks and waits, handles and leases, goals and whether they hold). Name another agent to read its state instead (allowed only by a rule).',
      parameters: { type: 'object', properties: { agent: str('whose state to read; omit for your own') }, additionalProperties: false },
    });
  }
  // Sub-agents, for an agent that asks for it (`spawn: true`): the templates its delegate channels with `spawn` reach.
  const templates = [...new Set(channels.filter((c) => c.from === agent && c.kind === 'delegate' && c.spawn !== undefined).map((c) => c.to))];
  if (spawn && templates.length > 0) {
    out.push({
      name: 'spawn_agent', op: 'spawn',
      description: `Start a sub-agent (${templates.join(', ')}) on a task; wait for its answer with receive_message from it. It gets a budget carved from yours, a class no higher than yours, and only the capabilities you name, never more than you hold.`,
      parameters: {
        type: 'object',
        properties: {
          agent: { type: 'string', enum: templates }, task: str('what the sub-agent should do'),
          tokens: { type: 'integer', minimum: 1, description: 'tokens to carve from your budget for it' },
          caps: { type: 'array', description: 'capabilities to lend it', items: { type: 'object', properties: { target: str('a tool or store you hold'), access: { type: 'string', enum: ['use', 'read', 'write', 'readwrite'] } }, required: ['target', 'access'], additionalProperties: false } },
          detach: { type: 'boolean', description: 'let it run on after you end' },
        },
        required: ['agent', 'task'], additionalProperties: false,
      },
    });
  }
  out.push(
    {
      name: 'finish', op: 'finish', description: 'End your work, with a final answer.',
      parameters: { type: 'object', properties: { text: str('your final answer') }, required: ['text'], additionalProperties: false },
    },
  );
  return out;
}

/**
 * The Action a model's call names, or the typed error to send back. `parsed` is the arguments
 * object, or the parser's complaint when they were not valid JSON.
 */
export function actionFromCall(functions: readonly FunctionDef[], name: string, parsed: { ok: true; args: Record<string, unknown> } | { ok: false; error: string; code?: 'invalid-json' | 'too-deep' | 'too-large' }): { ok: true; action: Action } | { ok: false; error: CallError } {
  const fn = functions.find((f) => f.name === name);
  if (!fn) {
    return { ok: false, error: { code: 'unknown-function', name, message: `there is no function "${name}"; you may call: ${functions.map((f) => f.name).join(', ')}` } };
  }
  if (!parsed.ok) {
    if (parsed.code === 'too-deep' || parsed.code === 'too-large') {
      return { ok: false, error: { code: parsed.code, name, message: `the arguments of ${name} ${parsed.error}; send a smaller JSON object` } };
    }
    return { ok: false, error: { code: 'invalid-json', name, message: `the arguments of ${name} are not valid JSON (${parsed.error}); send one JSON object` } };
  }
  const a = parsed.args;
  const checked = validateArgs(fn.parameters, a);
  if (!checked.ok) {
    return { ok: false, error: { code: 'bad-arguments', name, message: `the arguments of ${name} do not match its schema: ${checked.errors.join('; ')}` } };
  }
  const s = (k: string): string => (typeof a[k] === 'string' ? (a[k] as string) : '');
  switch (fn.op) {
    case 'tool':
      return { ok: true, action: { kind: 'call', tool: fn.tool!, args: a } };
    case 'send':
      return { ok: true, action: { kind: 'send', to: s('to'), text: s('text'), facts: [] } };
    case 'recv':
      return { ok: true, action: typeof a.from === 'string' ? { kind: 'recv', from: a.from } : { kind: 'recv' } };
    case 'write':
      return { ok: true, action: { kind: 'write', artifact: s('name'), text: s('text') } };
    case 'read':
      return { ok: true, action: { kind: 'read', ref: s('ref') } };
    case 'finish':
      return { ok: true, action: { kind: 'finish', text: s('text') } };
    case 'spawn':
      return {
        ok: true,
        action: {
          kind: 'spawn', template: s('agent'), task: s('task'), ...(typeof a.tokens === 'number' ? { tokens: a.tokens } : {}),
          ...(Array.isArray(a.caps) ? { caps: a.caps as Extract<Action, { kind: 'spawn' }>['caps'] } : {}), ...(a.detach === true ? { detach: true } : {}),
        },
      };
  }
}

