/**
 * What validity checks cost per kernel step as agents grow, in Node: a generated document of N
 * agents (pairs of the distractors-checked example: a lead briefs a researcher with a fact, the
 * researcher searches a store whose chunks a `contradiction` and a `stale` check judge, then
 * thinks a while with the chunks in its window) run to its stop; CPU µs per event at 10 and 1,000
 * agents, with the store's checks and without them (the kernel's own growth, for comparison).
 * Bundled by scripts/run-ts.mjs and called from scripts/bench.mjs (`--only=validity`); run alone
 * (`node scripts/run-ts.mjs bench/validity.ts [small] [large]`) it prints its figures, the last
 * line one JSON object.
 */
import { Kernel, asRunId, parseHarness } from '../src/kernel';

type Json = Record<string, unknown>;

/** One µs-per-event figure: a document of `agents` agents run to its stop, `runs` times. */
export interface ValidityFigure {
  agents: number;
  checks: boolean;
  events: number;
  verdicts: number;
  runs: number;
  ms: number;
  usPerEvent: number;
}

export interface ValidityBench {
  figures: ValidityFigure[];
  /** µs per event at the large size over the small one, with the checks. */
  ratio: number;
  /** The same without the checks: what the rest of the kernel grows by. */
  ratioWithout: number;
}

const MONTH = '(January|February|March|April|May|June|July|August|September|October|November|December) \\d{1,2}';

/** `n` agents (n/2 lead-researcher pairs) over one store of three chunks; `checks` false leaves out its validity block. */
export function validityDocument(n: number, checks = true): string {
  const agents: Json[] = [];
  const channels: Json[] = [];
  for (let t = 0; agents.length < n; t++) {
    agents.push({
      id: `lead-${t}`, name: `Lead ${t}`, model: 'sim',
      behaviour: [
        { op: 'send', to: `researcher-${t}`, text: 'Write down the launch date. Confirmed by the release board: the launch date is March 3.', facts: ['The launch date is March 3 (release board).'] },
        { op: 'finish', text: 'Briefed.' },
      ],
    });
    if (agents.length >= n) break;
    agents.push({
      id: `researcher-${t}`, name: `Researcher ${t}`, model: 'sim',
      behaviour: [
        { op: 'recv', from: `lead-${t}`, as: 'brief' },
        { op: 'call', tool: 'kb_search', args: { query: 'launch date' }, as: 'hits' },
        { op: 'think', text: 'Reading the results carefully, one by one, and weighing each source against the brief.' },
        { op: 'think', text: 'Still reading the results, comparing dates and sources with what the lead said.' },
        { op: 'think', text: 'Checking the dates once more against the release board.' },
        { op: 'write', artifact: `date-${t}`, text: 'Launch date: March 3.' },
        { op: 'finish', text: 'Done.' },
      ],
      capabilities: [{ target: 'kb_search', access: 'use' }],
    });
    channels.push({ id: `brief-${t}`, from: `lead-${t}`, to: `researcher-${t}`, latencyMs: 20 });
  }
  // A pair's lead without its researcher (odd n) sends to nobody: it only finishes.
  const present = new Set(agents.map((a) => a.id as string));
  for (const a of agents) a.behaviour = (a.behaviour as Json[]).filter((op) => op.op !== 'send' || present.has(op.to as string));
  const validity = { checks: [{ kind: 'contradiction', subject: 'launch date', value: MONTH }, { kind: 'stale', lifetimeMs: 4000 }], evictBelow: 0.5 };
  return JSON.stringify({
    version: 1, name: `${n} agents, validity checks ${checks ? 'on' : 'off'}`,
    models: [{ id: 'sim', name: 'Sim', provider: 'sim', contextWindow: 8192, priceIn: 0.15, priceOut: 0.6, quality: 2, slots: 4, tokensPerSecond: 80 }],
    agents, channels,
    tools: [{ id: 'kb_search', name: 'kb.search', description: 'Search the knowledge base.', args: { type: 'object', properties: { query: { type: 'string' } } }, sideEffect: 'read', impl: { kind: 'search', store: 'kb', topK: 3 } }],
    stores: [{
      id: 'kb', name: 'Knowledge base', kind: 'knowledge',
      documents: [
        { text: 'The launch date is March 3, confirmed by the release board.' },
        { text: 'Memo: the launch date was moved to April 9 (unconfirmed, superseded).', valid: false },
        { text: 'The release board meets every Tuesday.' },
      ],
      ...(checks ? { validity } : {}),
    }],
    limits: { maxSteps: 100 * n },
  });
}

/** The process's CPU time in ms (user + system): on a shared machine it moves less with other load than wall time. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Runs the n-agent document to its stop again and again (one seed per run) for about `ms` of CPU time, at least once. */
export async function validityFigure(n: number, checks: boolean, ms: number): Promise<ValidityFigure> {
  const parsed = parseHarness(validityDocument(n, checks));
  if (!parsed.ok) throw new Error(`the ${n}-agent document is invalid: ${parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  let events = 0;
  let verdicts = 0;
  let runs = 0;
  let seed = 1;
  const start = cpuMs();
  let now = start;
  while (runs === 0 || now - start < ms) {
    const k = Kernel.create(parsed.spec, { runId: asRunId(`validity-${n}-${seed}`), seed: seed++ });
    await k.runUntil({ maxEvents: 10_000_000 });
    events += k.events.length;
    verdicts += k.events.filter((e) => e.type === 'mem.validity').length;
    runs++;
    now = cpuMs();
  }
  const elapsed = now - start;
  return { agents: n, checks, events, verdicts, runs, ms: Math.round(elapsed), usPerEvent: Math.round((elapsed / events) * 1000 * 100) / 100 };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * CPU µs per event at `small` and `large` agents, with and without the checks: `rounds` rounds
 * that each measure all four in turn (so a burst of other load hits every figure alike), the
 * median round of each kept; after a warm-up at `small`.
 */
export async function benchValidity(small = 10, large = 1000, ms = 1000, rounds = 3): Promise<ValidityBench> {
  await validityFigure(small, true, 300);
  const all: ValidityFigure[][] = [[], [], [], []];
  for (let round = 0; round < rounds; round++) {
    let i = 0;
    for (const checks of [true, false]) for (const n of [small, large]) all[i++]!.push(await validityFigure(n, checks, ms));
  }
  const figures = all.map((xs) => {
    const mid = median(xs.map((f) => f.usPerEvent));
    return xs.find((f) => f.usPerEvent === mid)!;
  });
  const us = (n: number, checks: boolean): number => figures.find((f) => f.agents === n && f.checks === checks)!.usPerEvent;
  const round2 = (x: number): number => Math.round(x * 100) / 100;
  return { figures, ratio: round2(us(large, true) / us(small, true)), ratioWithout: round2(us(large, false) / us(small, false)) };
}

const entry = process.argv[1] ?? '';
if (entry.endsWith('validity.ts')) {
  const small = Number(process.argv[2] ?? 10);
  const large = Number(process.argv[3] ?? 1000);
  const r = await benchValidity(small, large);
  for (const f of r.figures) process.stdout.write(`${String(f.agents).padStart(5)} agents, checks ${f.checks ? 'on ' : 'off'}: ${f.usPerEvent} CPU µs/event (${f.events} events, ${f.verdicts} verdicts, ${f.runs} runs in ${f.ms} CPU ms; median of 3 rounds)\n`);
  process.stdout.write(`${large} vs ${small} agents, µs per event: ${r.ratio}x with checks, ${r.ratioWithout}x without\n`);
  process.stdout.write(`${JSON.stringify(r)}\n`);
}
