/**
 * The contract between the UI and the kernel worker, as the UI sees it. It is defined beside
 * its implementer (src/worker/api.ts) because the worker sits below the bridge; the UI and
 * the store import it from here, since they may not import the worker.
 */
export type * from '../worker/api';
export { BREAKPOINT_KINDS, modelEndpointsKey, LOCAL_MODEL_PREFIX, localModelBinding, localModelFile } from '../worker/api';
