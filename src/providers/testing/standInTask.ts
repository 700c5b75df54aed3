/**
 * The task plan a TEST STAND-IN (obedientStandIn.ts, not a model) follows for one agent of a
 * harness, derived from that agent's benign sim behaviour: each behaviour op becomes the function
 * call a model would make for it over the wire, named as the kernel offers it (agentFunctions).
 * Thinking is dropped (it is no call). Templates (`{{var.page}}`, `{{last}}`) stay in the plan;
 * the stand-in fills them with the latest thing it read, as a model forwarding it would.
 * An op whose function the kernel does not offer on the wire (a store search without a tool for
 * it, say) keeps the kernel's own name: the stand-in calls it and reads the kernel's error.
 */
import { agentFunctions, type HarnessSpec, type SimStep } from '../../kernel';
import { obedientStandIn, type StandInStep, type StandInTurn } from './obedientStandIn';
import type { RecordedRequest, ScriptedResponse } from './wireServer';

/** The stand-in's plan for `agentId`: one call per behaviour op that is an action. */
export function standInTask(spec: HarnessSpec, agentId: string): StandInStep[] {
  const agent = spec.agents.find((a) => a.id === agentId);
  if (!agent) throw new Error(`standInTask: ${spec.name} has no agent ${agentId}`);
  const offered = agentFunctions(agent.id, agent.capabilities.map((c) => c.target), new Map(spec.tools.map((t) => [t.id, t])), spec.channels);
  const toolFn = (tool: string): string => offered.find((f) => f.op === 'tool' && f.tool === tool)?.name ?? tool;
  const opFn = (op: 'send' | 'recv' | 'write' | 'read' | 'finish'): string => offered.find((f) => f.op === op)?.name ?? op;
  const steps: StandInStep[] = [];
  for (const s of agent.behaviour as readonly SimStep[]) {
    const step = stepOf(s, toolFn, opFn);
    if (step) steps.push(step);
  }
  if (steps[steps.length - 1]?.name !== opFn('finish')) steps.push({ name: opFn('finish'), args: { text: 'Done.' } });
  return steps;
}

function stepOf(s: SimStep, toolFn: (tool: string) => string, opFn: (op: 'send' | 'recv' | 'write' | 'read' | 'finish') => string): StandInStep | null {
  switch (s.op) {
    case 'call':
      return { name: toolFn(s.tool), args: s.args };
    case 'search':
      return { name: toolFn('archival_search'), args: { store: s.store, query: s.query } };
    case 'remember':
      return { name: toolFn('archival_insert'), args: { store: s.store, text: s.text } };
    case 'recall':
      return { name: toolFn('conversation_search'), args: { query: s.query } };
    case 'core':
      return { name: toolFn(s.mode === 'replace' ? 'core_memory_replace' : 'core_memory_append'), args: { label: s.label, text: s.text } };
    case 'send':
      return { name: opFn('send'), args: { to: s.to, text: s.text } };
    case 'recv':
      return { name: opFn('recv'), args: s.from === undefined ? {} : { from: s.from } };
    case 'write':
      return { name: opFn('write'), args: { name: s.artifact, text: s.text } };
    case 'read':
      return { name: opFn('read'), args: { ref: s.ref } };
    case 'finish':
      return { name: opFn('finish'), args: { text: s.text } };
    default:
      // think (and any op that is not an action): no call.
      return null;
  }
}

/**
 * One stand-in per agent of the harness, behind one responder: a request goes to the agent
 * whose system prompt its system message carries (the longest such prompt, so one that contains
 * another still picks its own). `turns` records each agent's decisions.
 */
export function harnessStandIn(spec: HarnessSpec): { respond: (req: RecordedRequest) => ScriptedResponse; turns: Map<string, StandInTurn[]> } {
  const byAgent = new Map(spec.agents.map((a) => [a.id, obedientStandIn(standInTask(spec, a.id), { retryUnanswered: ['read_reference'] })]));
  const prompts = [...spec.agents].sort((a, b) => b.systemPrompt.length - a.systemPrompt.length);
  const dupe = prompts.find((a, i) => prompts.findIndex((b) => b.systemPrompt === a.systemPrompt) !== i);
  if (dupe) throw new Error(`harnessStandIn: ${spec.name}: agents share the system prompt of ${dupe.id}; the stand-in cannot tell their requests apart`);
  const respond = (req: RecordedRequest): ScriptedResponse => {
    const messages = (req.body as { messages?: { role: string; content?: unknown }[]; system?: unknown }).messages ?? [];
    const system = [(req.body as { system?: unknown }).system, ...messages.filter((m) => m.role === 'system').map((m) => m.content)].map((x) => (typeof x === 'string' ? x : JSON.stringify(x ?? ''))).join('\n');
    const agent = prompts.find((a) => system.includes(a.systemPrompt));
    if (!agent) return { status: 400, body: JSON.stringify({ error: { message: 'harnessStandIn: no agent of this harness has this system prompt' } }) };
    return byAgent.get(agent.id)!.respond(req);
  };
  return { respond, turns: new Map([...byAgent].map(([id, s]) => [id, s.turns])) };
}
