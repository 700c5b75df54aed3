/**
 * The context view's answer (StudioApi.contextAt): the kernel's prompt of an agent's turn at a
 * cursor (kernel/loop/contextPrompt.ts) and, on a real CPU, the request body as the provider's
 * own encoder writes it for the wire. Keys live in headers and settings, never in a body; the
 * answer still crosses the boundary through the studio's redaction like every other one.
 */
import { promptAt, type HarnessSpec, type KernelEvent, type PromptView } from '../kernel';
import { anthropicRequestBody, chatRequest, openAiRequestBody, wireOf } from '../providers';

/** What the context view shows: the prompt without its live request object, plus the wire body. */
export type ContextAnswer = Omit<PromptView, 'request'> & {
  /** The request body a real model was sent (null on the sim CPU, which reads the window itself). */
  wire: { format: 'openai' | 'anthropic'; body: Record<string, unknown> } | null;
};

export function contextAnswer(spec: HarnessSpec, seed: number, events: ArrayLike<KernelEvent>, seq: number, agent: string): ContextAnswer | null {
  const view = promptAt(spec, seed, events, seq, agent);
  if (!view) return null;
  const { request, ...rest } = view;
  const model = spec.models.find((m) => m.id === view.model);
  let wire: ContextAnswer['wire'] = null;
  if (model && model.provider !== 'sim') {
    const format = wireOf(model);
    const chat = chatRequest(request);
    wire = { format, body: format === 'anthropic' ? anthropicRequestBody(chat) : openAiRequestBody(chat) };
  }
  return { ...rest, wire };
}
