/**
 * Runs autoLayout off the page's thread: the page stays responsive however long a layout takes,
 * and Cancel is `worker.terminate()`. One layout per worker (useAutoLayout starts a new one
 * each time). Messages: in `{ nodes, edges }`; out `progress`, then `done` or `error`.
 */
import { autoLayout, type LayoutEdge, type LayoutNode } from './autoLayout';
import type { Position } from './docModel';

export type LayoutRequest = { nodes: LayoutNode[]; edges: LayoutEdge[] };
export type LayoutReply =
  | { type: 'progress'; step: number; steps: number; stage: string }
  | { type: 'done'; positions: [string, Position][] }
  | { type: 'error'; message: string };

const scope = self as unknown as { postMessage(reply: LayoutReply): void; addEventListener(type: 'message', listener: (e: MessageEvent<LayoutRequest>) => void): void };

scope.addEventListener('message', (e) => {
  const { nodes, edges } = e.data;
  autoLayout(nodes, edges, (step, steps, stage) => scope.postMessage({ type: 'progress', step, steps, stage })).then(
    (positions) => scope.postMessage({ type: 'done', positions: [...positions] }),
    (err: unknown) => scope.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
  );
});
