/** The prefix cache's figures as /proc and the studio read them (memory/kvCacheFigures.ts computes them). */

/** One agent's prefix-cache figures. */
export interface AgentCacheFigures {
  agent: string;
  model: string;
  lookups: number;
  promptTokens: number;
  cachedTokens: number;
  /** cachedTokens / promptTokens (0 before the first lookup). */
  hitRate: number;
  /** Tokens of its window's prefix cached now. */
  warmTokens: number;
}

/** One model's cache and its agents. */
export interface ModelCacheFigures {
  model: string;
  used: number;
  capacity: number;
  blocks: number;
  agents: AgentCacheFigures[];
}

