/**
 * Messages between a page (or the studio's worker) and the local-CPU worker
 * (localCpu.worker.ts). Plain data only: requests, deltas, records and failures all cross by
 * structured clone.
 */
import type { ProviderFailure } from '../errors';
import type { ChatRequest, ChatResponse, ModelInfo, StreamDelta } from '../types';
import type { LoadPhase, LocalModelInfo } from './wllamaProvider';

/** Where the model comes from: a stored OPFS entry (by name) or a Blob handed over directly. */
export type ModelSource = { opfs: string } | { blob: Blob; name: string };

export interface LoadSettings {
  contextSize?: number;
  threads?: number;
  gpu?: 'auto' | 'off';
}

export type LocalCpuRequest =
  | { id: number; op: 'load'; source: ModelSource; settings: LoadSettings }
  | { id: number; op: 'chat'; request: ChatRequest }
  | { id: number; op: 'abort'; target: number }
  | { id: number; op: 'models' }
  | { id: number; op: 'unload' };

export type LocalCpuReply =
  | { id: number; kind: 'phase'; phase: LoadPhase }
  | { id: number; kind: 'delta'; delta: StreamDelta }
  | { id: number; kind: 'loaded'; info: LocalModelInfo }
  | { id: number; kind: 'answer'; response: ChatResponse }
  | { id: number; kind: 'models'; models: ModelInfo[] }
  | { id: number; kind: 'done' }
  /** A provider failure as plain data; `failure` is null for anything else (its message is in `message`). */
  | { id: number; kind: 'error'; failure: ProviderFailure | null; message: string };
