/**
 * The per-project choice of Settings endpoint for each real model, stored in settings under
 * `modelEndpoints/<projectId>` (model id → endpoint id): a browser's endpoints are not part
 * of the document, so an exported document carries neither URL, key nor endpoint choice. The
 * id, not the name, so renaming an endpoint in Settings keeps every model bound to it; a
 * binding written before ids (an endpoint's name) still resolves, by name.
 */
import { studio } from '../../bridge/client';
import { useStudio } from '../../store';

import { modelEndpointsKey, type EndpointSummary } from '../../bridge/api';

export { modelEndpointsKey };

/** Loads the open project's bindings into the store (empty when none were chosen). */
export async function loadModelEndpoints(projectId: string | null): Promise<void> {
  if (!projectId) return useStudio.getState().setModelEndpoints({});
  const stored = await studio().getSetting(modelEndpointsKey(projectId));
  const ok = stored !== null && typeof stored === 'object' && Object.values(stored).every((v) => typeof v === 'string');
  if (useStudio.getState().projectId === projectId) useStudio.getState().setModelEndpoints(ok ? (stored as Record<string, string>) : {});
}

/** The Settings endpoint a binding points at: by id, or by name for a binding stored before ids. */
export function boundEndpoint(endpoints: readonly EndpointSummary[], binding: string | undefined): EndpointSummary | undefined {
  if (binding === undefined) return undefined;
  return endpoints.find((e) => e.id === binding) ?? endpoints.find((e) => e.name === binding);
}

/** model id → the current name of the endpoint it is bound to (the binding itself when that endpoint is gone). */
export function endpointNames(bindings: Readonly<Record<string, string>>, endpoints: readonly EndpointSummary[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [model, binding] of Object.entries(bindings)) out[model] = boundEndpoint(endpoints, binding)?.name ?? binding;
  return out;
}
