/**
 * Context rot in the sim: the longer the window, the likelier a turn's answer is a mistake
 * (Chroma, "Context Rot: How Increasing Input Tokens Impacts LLM Performance", 2025: accuracy
 * falls as input grows, even on simple tasks). The chance follows a curve the document declares
 * (spec/contextRotSchema.ts) on the agent or its model; the draw is the run's seeded Rng, so a
 * seed always rots the same turns. A mistake takes the text of another segment of the window
 * instead of what the script says (the model mixed up what it read); the kernel records the
 * probability, the draw and the segment on `mem.rotted`.
 */
import { draw } from '../rng';
import type { ContextRotSpec } from '../spec';
import type { Action, InferRequest, RotRecord } from './cpu';

/** The chance of a mistake at a window of `tokens`, by the declared curve (0..1). */
export function rotProbability(rot: ContextRotSpec, tokens: number): number {
  const k = tokens / 1000;
  const p = rot.curve === 'linear'
    ? rot.base + rot.perKTokens * k
    : rot.max / (1 + Math.exp(-rot.steepness * (tokens - rot.midpointTokens) / 1000));
  return Math.min(rot.max, Math.max(0, p));
}

/** The curve that applies to a request: the agent's, else its model's; undefined: no rot. */
export function rotFor(req: Pick<InferRequest, 'agent' | 'model'>): ContextRotSpec | undefined {
  return req.agent.contextRot ?? req.model.contextRot;
}

type Rottable = Extract<Action, { kind: 'write' | 'send' | 'finish' }>;

/**
 * The script's action after context rot: unchanged (null) unless the seeded draw falls under the
 * curve's probability at this window and the window holds another segment to confuse it with;
 * then the action's text is that segment's text.
 */
export function applyContextRot(req: InferRequest, action: Action): { action: Action; rot: RotRecord } | null {
  const rot = rotFor(req);
  if (!rot || (action.kind !== 'write' && action.kind !== 'send' && action.kind !== 'finish')) return null;
  const windowTokens = req.context.reduce((n, c) => n + c.tokens, 0);
  const p = rotProbability(rot, windowTokens);
  const u = draw(req.seed, `sim:${req.agent.id}:rot`, req.turn);
  if (!(u < p)) return null;
  const others = req.context.filter((c) => c.kind !== 'system' && c.text !== '' && c.text !== action.text);
  if (others.length === 0) return null;
  const from = others[Math.floor(draw(req.seed, `sim:${req.agent.id}:rotwhich`, req.turn) * others.length)]!;
  const mistaken: Rottable = { ...action, text: from.text };
  return { action: mistaken, rot: { curve: rot.curve, windowTokens, p, draw: u, action: action.kind, from: from.id } };
}
