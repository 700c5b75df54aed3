/**
 * The per-project choice of Settings endpoint for each real model, stored in settings under
 * `modelEndpoints/<projectId>` (model id → endpoint name): a browser's endpoints are not part
 * of the document, so an exported document carries neither URL, key nor endpoint choice.
 */
import { studio } from '../../bridge/client';
import { useStudio } from '../../store';

import { modelEndpointsKey } from '../../bridge/api';

export { modelEndpointsKey };

/** Loads the open project's bindings into the store (empty when none were chosen). */
export async function loadModelEndpoints(projectId: string | null): Promise<void> {
  if (!projectId) return useStudio.getState().setModelEndpoints({});
  const stored = await studio().getSetting(modelEndpointsKey(projectId));
  const ok = stored !== null && typeof stored === 'object' && Object.values(stored).every((v) => typeof v === 'string');
  if (useStudio.getState().projectId === projectId) useStudio.getState().setModelEndpoints(ok ? (stored as Record<string, string>) : {});
}
