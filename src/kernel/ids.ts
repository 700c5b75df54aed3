/** Branded ids: a RunId cannot be passed where an AgentId is expected. */
export type Brand<T, B extends string> = T & { readonly __brand: B };
export type RunId = Brand<string, 'RunId'>;
export type AgentId = string;
export type ToolId = string;
export type ModelId = string;

export const asRunId = (s: string): RunId => s as RunId;
