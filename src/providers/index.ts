/**
 * Networked model providers: one adapter per wire format on `fetch`, a typed failure for every
 * way a call can go wrong, and a pure retry policy. Imports only npm packages (and, later, the
 * kernel's index); never the UI, store or worker.
 */
import { createAnthropicProvider } from './anthropic';
import { createOpenAiProvider } from './openai';
import type { EndpointConfig, Provider, ProviderDeps } from './types';

export type * from './types';
export { ProviderError, redact, safeEndpoint, type ProviderErrorKind, type ProviderFailure } from './errors';
export { decideRetry, parseRetryAfter, DEFAULT_RETRY_POLICY, type RetryDecision, type RetryPolicy } from './retry';
export { assembleToolCall } from './recorder';
export { createOpenAiProvider, openAiBase, openAiRequestBody } from './openai';
export { createAnthropicProvider, anthropicBase, anthropicRequestBody, DEFAULT_ANTHROPIC_VERSION, DEFAULT_ANTHROPIC_MAX_TOKENS } from './anthropic';

/** The adapter for an endpoint's wire format. */
export function createProvider(config: EndpointConfig, deps: ProviderDeps = {}): Provider {
  return config.wire === 'anthropic' ? createAnthropicProvider(config, deps) : createOpenAiProvider(config, deps);
}
export { ModelCpu, ModelCallError, cpuFailure, createModelCpus, chatMessages, chatRequest, inferResult, wireOf, NETWORK_PROVIDERS, type ModelEndpoint, type ModelDelta, type ModelCpuOptions } from './modelCpu';
export { EndpointPacer, WALL_CLOCK, backoffMs, type PaceClock } from './pacing';
