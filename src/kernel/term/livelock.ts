/**
 * Livelock: agents keep taking turns and nothing moves. Three tests after OpenHands'
 * StuckDetector (openhands/controller/stuck.py; REFERENCES §5), run on every turn:
 *
 * - repeat: one agent, the same (action, observation) pair `repeat` turns in a row (loop 1);
 * - oscillation: the last `window` turns alternate between two distinct blocks of states,
 *   X-Y-X-Y… (A-B-A-B is blocks of one turn; loop 4), either one agent's turns or the
 *   interleaved turns of two agents in dialogue (an editor asking "formal", then "casual");
 * - similar: `similarRounds` outputs in a row, each more similar than `similarity` to the one
 *   before (word-bigram Jaccard, similarity.ts), with the same observation and a near-identical
 *   action each time: nothing new came back and nothing new was done. A run in which every
 *   action is exactly the previous one is left to the repeat test.
 *
 * Any change in what comes back resets repeat and similar, and a state never seen before cannot
 * be part of a period, so a poller whose result moves or a run that keeps producing new content
 * is never stopped; slow convergence (rising similarity below the threshold) is not either.
 * Each `observe` costs O(window) plus the length of that turn's texts, never O(history).
 */
import { jaccard, shingles } from './similarity';

/** One agent turn as the kernel reports it, after its action was carried out. */
export interface TurnObservation {
  agent: string;
  /** Sequence number of the event that closes the turn: the evidence a finding cites. */
  seq: number;
  /** Canonical JSON of the action (sorted keys), so equal actions are equal strings. */
  action: string;
  /** What came back: tool result text, the received message text, or ''. */
  observation: string;
  /** The model's text for the turn. */
  output: string;
  /** The other agent of a send or receive, when the caller knows it (saves parsing `action`); null: none. */
  peer?: string | null;
}

/** Why the detector thinks there is no progress, with the turns that show it. */
export interface LivelockFinding {
  kind: 'repeat' | 'oscillation' | 'similar';
  /** The agents involved, sorted: one, or the two of a dialogue. */
  agents: string[];
  /** Sequence numbers of the turns that show it, ascending. */
  evidence: number[];
  detail: string;
}

/** Thresholds; the `term.livelock` section of the harness document (spec TermSchema). */
export interface LivelockOptions {
  /** Identical (action, observation) pairs in a row that count as a loop. */
  repeat: number;
  /** Turns an alternation must fill; at least 4. */
  window: number;
  /** Similarity (0..1) an output must exceed against the previous one; 1 turns the test off. */
  similarity: number;
  /** Outputs in a row, each above `similarity` to the previous, that count as a loop. */
  similarRounds: number;
}

/** OpenHands' counts (3 repeats, 6-step A-B window) and a strict 0.9 similarity. */
export const LIVELOCK_DEFAULTS: Readonly<LivelockOptions> = Object.freeze({ repeat: 3, window: 6, similarity: 0.9, similarRounds: 3 });

/**
 * A bounded stream of turns (one agent's, or a dialogue's) that keeps, for each distance d, the
 * streak of latest turns equal to the turn d before them: the periodicity tests read streaks,
 * never the history.
 */
class Track {
  private readonly keys: string[] = [];
  private readonly seqs: number[] = [];
  private readonly agents: string[] = [];
  private count = 0;
  /** streak[d]: how many of the latest turns each equal the turn d before them. */
  private readonly streak: number[];

  constructor(
    private readonly cap: number,
    private readonly maxDistance: number,
  ) {
    this.streak = new Array<number>(maxDistance + 1).fill(0);
  }

  push(key: string, seq: number, agent: string): void {
    for (let d = 1; d <= this.maxDistance; d++) {
      this.streak[d] = this.count >= d && this.keys[(this.count - d) % this.cap] === key ? this.streak[d]! + 1 : 0;
    }
    const i = this.count % this.cap;
    this.keys[i] = key;
    this.seqs[i] = seq;
    this.agents[i] = agent;
    this.count++;
  }

  /** The newest turn and the `n - 1` before it all equal. */
  repeats(n: number): boolean {
    return this.streak[1]! >= n - 1;
  }

  /**
   * Half-period L when the last `w` turns are X-Y-X… with blocks X ≠ Y of L turns (period 2L
   * holds across the window, period L does not); 0 when none. Blocks fill at least two periods
   * (X-Y-X-Y): after X-Y-X alone, Y may still be new every round (slow convergence).
   */
  alternation(w: number): number {
    for (let l = 1; 4 * l <= w && 2 * l <= this.maxDistance; l++) {
      if (this.streak[2 * l]! >= w - 2 * l && this.streak[l]! < w - l) return l;
    }
    return 0;
  }

  /** Sequence numbers of the last `n` turns, oldest first. */
  latest(n: number): number[] {
    const k = Math.min(n, this.count, this.cap);
    const out: number[] = [];
    for (let j = this.count - k; j < this.count; j++) out.push(this.seqs[j % this.cap]!);
    return out;
  }

  /** How many distinct agents took the last `n` turns. */
  agentsIn(n: number): number {
    const k = Math.min(n, this.count, this.cap);
    const seen = new Set<string>();
    for (let j = this.count - k; j < this.count; j++) seen.add(this.agents[j % this.cap]!);
    return seen.size;
  }
}

interface AgentState {
  turns: Track;
  /** The previous turn, as the similar test compares it. */
  prev: { output: Set<string> | null; action: Set<string> | null; outputText: string; actionText: string; observation: string; seq: number } | null;
  /**
   * The current run of near-identical turns, at most `similarRounds`: their seqs and, for each
   * after the first, its output's similarity to the one before and whether its action changed.
   */
  run: { seqs: number[]; scores: number[]; changed: boolean[] };
  /** Agents it is in dialogue with, in the order first seen. */
  peers: Set<string>;
}

/** The agent a turn addresses: the `to` of a send, the `from` of a recv; null otherwise. */
function peerOf(action: string): string | null {
  if (!/"kind"\s*:\s*"(?:send|recv)"/.test(action)) return null;
  try {
    const a = JSON.parse(action) as { kind?: unknown; to?: unknown; from?: unknown };
    if (a.kind === 'send' && typeof a.to === 'string') return a.to;
    if (a.kind === 'recv' && typeof a.from === 'string') return a.from;
  } catch {
    // not JSON: no dialogue to track
  }
  return null;
}

const pairKey = (a: string, b: string): string => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);

/**
 * Incremental livelock detector: the kernel feeds it one observation per agent turn, in seq
 * order, and stops the run on the first finding. Pure and deterministic; state is bounded by
 * the window per agent and per dialogue pair.
 */
export class LivelockDetector {
  private readonly opts: LivelockOptions;
  private readonly agents = new Map<string, AgentState>();
  private readonly pairs = new Map<string, Track>();
  private readonly cap: number;
  private readonly maxDistance: number;

  constructor(opts: Partial<LivelockOptions> = {}) {
    const o = { ...LIVELOCK_DEFAULTS, ...opts };
    if (!Number.isInteger(o.repeat) || o.repeat < 2) throw new RangeError(`livelock repeat must be an integer ≥ 2, got ${o.repeat}`);
    if (!Number.isInteger(o.window) || o.window < 4) throw new RangeError(`livelock window must be an integer ≥ 4, got ${o.window}`);
    if (!(o.similarity >= 0 && o.similarity <= 1)) throw new RangeError(`livelock similarity must be in [0, 1], got ${o.similarity}`);
    if (!Number.isInteger(o.similarRounds) || o.similarRounds < 2) throw new RangeError(`livelock similarRounds must be an integer ≥ 2, got ${o.similarRounds}`);
    this.opts = o;
    this.maxDistance = 2 * Math.floor(o.window / 3);
    this.cap = Math.max(o.window, o.repeat, this.maxDistance + 1);
  }

  /** Records one turn; returns a finding when this turn completes a loop, else null. */
  observe(o: TurnObservation): LivelockFinding | null {
    const a = this.agent(o.agent);
    const key = `${o.action}\u0000${o.observation}`;
    a.turns.push(key, o.seq, o.agent);

    const peer = o.peer !== undefined ? o.peer : peerOf(o.action);
    if (peer !== null && peer !== o.agent) {
      a.peers.add(peer);
      this.agent(peer).peers.add(o.agent);
    }
    for (const p of a.peers) this.pair(o.agent, p).push(`${o.agent}\u0000${key}`, o.seq, o.agent);

    this.extendRun(a, o);
    return this.check(o.agent, a);
  }

  private check(id: string, a: AgentState): LivelockFinding | null {
    const { repeat, window, similarity, similarRounds } = this.opts;
    if (a.turns.repeats(repeat)) {
      return { kind: 'repeat', agents: [id], evidence: a.turns.latest(repeat), detail: `${id} took the same action and got the same observation ${repeat} times in a row` };
    }
    const own = a.turns.alternation(window);
    if (own > 0) {
      return { kind: 'oscillation', agents: [id], evidence: a.turns.latest(window), detail: `${id} alternates between two states (${blocks(own)}) over its last ${window} turns` };
    }
    for (const p of a.peers) {
      const t = this.pair(id, p);
      const half = t.alternation(window);
      if (half > 0 && t.agentsIn(window) === 2) {
        const agents = [id, p].sort();
        return {
          kind: 'oscillation', agents, evidence: t.latest(window),
          detail: `${agents[0]} and ${agents[1]} alternate between two states (${blocks(half)}) over their last ${window} turns`,
        };
      }
    }
    // A run of exact repeats is the repeat test's, so raising `repeat` is not undone here.
    if (a.run.seqs.length >= similarRounds && a.run.changed.includes(true)) {
      const low = Math.min(...a.run.scores);
      return {
        kind: 'similar', agents: [id], evidence: [...a.run.seqs],
        detail: `${id} produced ${similarRounds} near-identical outputs in a row (word-bigram similarity ≥ ${low.toFixed(2)} > ${similarity}) with nothing new observed`,
      };
    }
    return null;
  }

  /** Extends or restarts the agent's run of near-identical outputs with this turn. */
  private extendRun(a: AgentState, o: TurnObservation): void {
    const prev = a.prev;
    const t = this.opts.similarity;
    // Shingles only when the observation repeats: a changed observation resets the run anyway,
    // and most turns observe something new (this keeps the check cheap per turn).
    const same = prev !== null && prev.observation === o.observation;
    const output = same || prev === null ? shingles(o.output) : null;
    const action = same || prev === null ? shingles(o.action) : null;
    const score = same ? jaccard(prev.output ?? shingles(prev.outputText), output!) : 0;
    const still = same && score > t && jaccard(prev.action ?? shingles(prev.actionText), action!) > t;
    if (still) {
      if (a.run.seqs.length === 0) a.run.seqs.push(prev.seq);
      a.run.seqs.push(o.seq);
      a.run.scores.push(score);
      a.run.changed.push(prev.actionText !== o.action);
      if (a.run.seqs.length > this.opts.similarRounds) {
        a.run.seqs.shift();
        a.run.scores.shift();
        a.run.changed.shift();
      }
    } else {
      a.run = { seqs: [], scores: [], changed: [] };
    }
    a.prev = { output, action, outputText: o.output, actionText: o.action, observation: o.observation, seq: o.seq };
  }

  private agent(id: string): AgentState {
    let a = this.agents.get(id);
    if (a === undefined) {
      a = { turns: new Track(this.cap, this.maxDistance), prev: null, run: { seqs: [], scores: [], changed: [] }, peers: new Set() };
      this.agents.set(id, a);
    }
    return a;
  }

  private pair(x: string, y: string): Track {
    const k = pairKey(x, y);
    let t = this.pairs.get(k);
    if (t === undefined) {
      t = new Track(this.cap, this.maxDistance);
      this.pairs.set(k, t);
    }
    return t;
  }
}

const blocks = (half: number): string => (half === 1 ? 'A-B-A-B' : `blocks of ${half} turns`);
