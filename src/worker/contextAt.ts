/**
 * The context view's answer (StudioApi.contextAt): the kernel's prompt of an agent's turn at a
 * cursor (kernel/loop/contextPrompt.ts) and, on a real CPU, the request body as the provider's
 * own encoder writes it for the wire. Keys live in headers and settings, never in a body; the
 * answer still crosses the boundary through the studio's redaction like every other one.
 *
 * A run's replay is kept between questions (ContextCache): the first question replays the run
 * up to the turn asked about, later ones feed only the events after it, and a turn before it
 * takes its state from a seek (the nearest snapshot plus a few hundred events).
 */
import { PromptIndex, promptFrom, turnStartAt, type HarnessSpec, type KernelEvent, type KernelState, type PromptView } from '../kernel';
import { anthropicRequestBody, chatRequest, openAiRequestBody, wireOf } from '../providers';

/** What the context view shows: the prompt without its live request object, plus the wire body. */
export type ContextAnswer = Omit<PromptView, 'request'> & {
  /** The request body a real model was sent (null on the sim CPU, which reads the window itself). */
  wire: { format: 'openai' | 'anthropic'; body: Record<string, unknown> } | null;
};

/** The answer for a prompt view: the wire body on a real CPU. */
export function answerOf(spec: HarnessSpec, view: PromptView | null): ContextAnswer | null {
  if (!view) return null;
  const { request, ...rest } = view;
  const model = spec.models.find((m) => m.id === view.model);
  let wire: ContextAnswer['wire'] = null;
  if (model && model.provider !== 'sim') {
    const format = wireOf(model);
    // Anthropic's body carries the cache markers the provider sends (on a model with prefixCache).
    const chat = chatRequest(request, format === 'anthropic');
    wire = { format, body: format === 'anthropic' ? anthropicRequestBody(chat) : openAiRequestBody(chat) };
  }
  return { ...rest, wire };
}

/** Where a run's events and states come from: the live kernel (sync) or storage (async). */
export interface ContextSource {
  spec: HarnessSpec;
  seed: number;
  head: number;
  /** Events `from..to` inclusive. */
  events(from: number, to: number): readonly KernelEvent[] | Promise<readonly KernelEvent[]>;
  /** The state right after event `seq` (a seek). */
  stateAt(seq: number): KernelState | Promise<KernelState>;
}

/** Events read per call while feeding the index from storage, and at most per look back for a turn start. */
const PAGE = 4096;
/** The first look back for a turn start (most are a few events back); each next one doubles. */
const FIRST_LOOK = 128;

/** Runs whose replay is kept (the context view looks at one run at a time; a compare, at two). */
const KEEP = 2;

/** The context view's replays, one per run (the latest few), so a cursor move never replays from event 0. */
export class ContextCache {
  private readonly runs = new Map<string, PromptIndex>();

  /** The last event of run `runId` the kept replay has fed (-1: none): each event is fed once, whatever the questions. */
  replayed(runId: string): number {
    return this.runs.get(runId)?.through ?? -1;
  }

  /** Forgets a run (deleted). */
  drop(runId: string): void {
    this.runs.delete(runId);
  }

  private indexOf(runId: string): PromptIndex {
    let index = this.runs.get(runId);
    if (index) this.runs.delete(runId);
    else index = new PromptIndex();
    this.runs.set(runId, index);
    while (this.runs.size > KEEP) this.runs.delete(this.runs.keys().next().value!);
    return index;
  }

  /** The context view's answer for `agent` at `cursor` of run `runId`. */
  async answer(runId: string, src: ContextSource, cursor: number, agent: string): Promise<ContextAnswer | null> {
    if (cursor < 0 || cursor > src.head || !src.spec.agents.some((a) => a.id === agent)) return null;
    const sentAt = await turnStart(src, cursor, agent);
    const upto = sentAt === null ? cursor : sentAt - 1;
    const index = this.indexOf(runId);
    for (let from = index.through + 1; from <= upto; from += PAGE) {
      for (const e of await src.events(from, Math.min(upto, from + PAGE - 1))) index.feed(e);
    }
    const state = index.through === upto ? index.state! : await src.stateAt(upto);
    return answerOf(src.spec, promptFrom(src.spec, src.seed, state, sentAt, agent, index));
  }
}

/** The agent's latest turn start at or before `cursor`, read back page by page. */
async function turnStart(src: ContextSource, cursor: number, agent: string): Promise<number | null> {
  for (let to = cursor, size = FIRST_LOOK; to > 0; to -= size, size = Math.min(PAGE, size * 2)) {
    const from = Math.max(1, to - size + 1);
    const page = await src.events(from, to);
    const held: (KernelEvent | undefined)[] = [];
    for (const e of page) held[e.seq] = e;
    const found = turnStartAt(held, to, agent);
    // A hole (before this page) ends turnStartAt's look: not found here, read the page before.
    if (found !== null) return found;
  }
  return null;
}
