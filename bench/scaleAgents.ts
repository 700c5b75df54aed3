/**
 * Cost per event against the number of agents, in Node: a generated document of N agents
 * (teams of the research-team example: planner, researcher, writer, each team with its own
 * channels and archive, all on one model with a few slots so the runqueue holds many agents)
 * run to its stop, events per second at each N in one process. Bundled by scripts/run-ts.mjs
 * and called from scripts/bench.mjs (`scale` group).
 */
import { Kernel, asRunId, parseHarness } from '../src/kernel';

/** Events per second at one number of agents. */
export interface AgentsFigure {
  agents: number;
  events: number;
  runs: number;
  ms: number;
  eventsPerSec: number;
  stopReasons: Record<string, number>;
}

type Json = Record<string, unknown>;

/**
 * A document of `n` agents made of copies of the research-team example (`teamDoc`, its JSON):
 * agent, channel and archive ids get a team suffix, the artifact is per team, the goals are
 * dropped (a goal met by the first team says nothing about the rest) and the step limit grows
 * with the agents. n that is not a multiple of 3 gets a last, shorter team.
 */
export function agentsDocument(teamDoc: string, n: number, slots = 4): string {
  const team = JSON.parse(teamDoc) as Json;
  const agents = team.agents as Json[];
  const ids = agents.map((a) => a.id as string);
  const ownStores = (team.stores as Json[]).filter((s) => typeof s.owner === 'string');
  const sharedStores = (team.stores as Json[]).filter((s) => typeof s.owner !== 'string');
  const outAgents: Json[] = [];
  const outChannels: Json[] = [];
  const outStores: Json[] = [...sharedStores];
  for (let t = 0; outAgents.length < n; t++) {
    const rename = (text: string): string => {
      let out = text;
      for (const id of [...ids, ...ownStores.map((s) => s.id as string), 'report']) out = out.split(`"${id}"`).join(`"${id}-${t}"`);
      return out;
    };
    for (const a of agents) if (outAgents.length < n) outAgents.push(JSON.parse(rename(JSON.stringify(a))) as Json);
    const present = new Set(outAgents.map((a) => a.id));
    for (const c of team.channels as Json[]) {
      const copy = JSON.parse(rename(JSON.stringify(c))) as Json;
      copy.id = `${c.id as string}-${t}`;
      if (present.has(copy.from) && present.has(copy.to)) outChannels.push(copy);
    }
    for (const s of ownStores) {
      const copy = JSON.parse(rename(JSON.stringify(s))) as Json;
      if (present.has(copy.owner)) outStores.push(copy);
    }
  }
  // Agents of a shorter last team must not wait for a partner that does not exist.
  const present = new Set(outAgents.map((a) => a.id as string));
  for (const a of outAgents) {
    a.behaviour = (a.behaviour as Json[]).filter((op) => (op.op !== 'recv' && op.op !== 'send') || present.has((op.from ?? op.to) as string));
  }
  const models = (team.models as Json[]).map((m) => ({ ...m, slots }));
  const { layout: _layout, goals: _goals, ...rest } = team;
  return JSON.stringify({ ...rest, name: `${n} agents`, models, agents: outAgents, channels: outChannels, stores: outStores, goals: [], limits: { maxSteps: 100 * n } });
}

/** Runs the n-agent document to its stop again and again (one seed per run) for about `ms` milliseconds, at least one run. */
export async function agentsFigure(teamDoc: string, n: number, ms: number): Promise<AgentsFigure> {
  const parsed = parseHarness(agentsDocument(teamDoc, n));
  if (!parsed.ok) throw new Error(`the ${n}-agent document is invalid: ${parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  const spec = parsed.spec;
  const stopReasons: Record<string, number> = {};
  let events = 0;
  let runs = 0;
  let seed = 1;
  const start = performance.now();
  let now = start;
  while (runs === 0 || now - start < ms) {
    const k = Kernel.create(spec, { runId: asRunId(`scale-${n}-${seed}`), seed: seed++ });
    await k.runUntil({ maxEvents: 10_000_000 });
    events += k.events.length;
    runs++;
    const reason = k.state.stopped?.reason ?? 'not-stopped';
    stopReasons[reason] = (stopReasons[reason] ?? 0) + 1;
    now = performance.now();
  }
  const elapsed = now - start;
  return { agents: n, events, runs, ms: elapsed, eventsPerSec: Math.round((events / elapsed) * 1000), stopReasons };
}

/** Events per second at each number of agents, after a short warm-up at the smallest. */
export async function benchScaleAgents(teamDoc: string, sizes: readonly number[], ms: number): Promise<AgentsFigure[]> {
  await agentsFigure(teamDoc, sizes[0] ?? 10, Math.min(300, ms));
  const out: AgentsFigure[] = [];
  for (const n of sizes) out.push(await agentsFigure(teamDoc, n, ms));
  return out;
}
