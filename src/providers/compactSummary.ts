/**
 * A real model as the summariser at compaction: the segments leaving an agent's window become
 * one chat request (no tools, temperature 0, the run's seed where the API takes one), and the
 * answer's text is the summary. The kernel records it on `mem.compacted` (kernel/loop/compactSource.ts),
 * so a replay reads it and never sends this request again. Fact-tagged segments are never sent:
 * the kernel keeps them verbatim in the window.
 */
import { countTokens, encodingFor, type SummaryAnswer, type SummaryRequest } from '../kernel';
import type { ChatRequest, ChatResponse } from './types';

/** What the summariser is told it is. */
export const SUMMARY_SYSTEM =
  "You compact an agent's context window. Summarise the segments you are given in a few short sentences: keep names, numbers, " +
  'dates, decisions and open questions; drop pleasantries and repetition. Answer with the summary only.';

/** Output tokens a summary may spend. */
export const SUMMARY_MAX_TOKENS = 400;

/** The chat request for a summary. */
export function summaryChatRequest(req: SummaryRequest): ChatRequest {
  const body = req.segments.map((s) => `[${s.id} ${s.kind}] ${s.text}`).join('\n');
  return {
    model: req.model.model,
    system: SUMMARY_SYSTEM,
    messages: [{ role: 'user', text: `The ${req.segments.length} oldest segments of agent ${req.agent}'s window, oldest first:\n<<<\n${body}\n>>>\n\nWrite their summary.` }],
    toolChoice: 'none',
    temperature: 0,
    seed: req.seed,
    maxTokens: SUMMARY_MAX_TOKENS,
  };
}

/** The summary from the model's response, with its record as `infer.completed` keeps one (`recorded`: the response without its text). */
export function summaryAnswer(req: SummaryRequest, provider: string, chat: ChatRequest, response: ChatResponse, recorded: Record<string, unknown>): SummaryAnswer {
  const encoding = encodingFor(req.model);
  return {
    text: response.text,
    record: {
      provider,
      reported: response.usage ? { tokensIn: response.usage.inputTokens, tokensOut: response.usage.outputTokens } : null,
      estimate: { tokensIn: countTokens(`${chat.system}\n${chat.messages.map((m) => m.text).join('\n')}`, encoding), tokensOut: countTokens(response.text, encoding) },
      response: recorded,
    },
  };
}
