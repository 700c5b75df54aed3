/**
 * The allocator (kernel/alloc): named classes of the objects a run keeps, O(1) accounting per
 * alloc and free (objects, estimated bytes, high-water marks, allocs, frees) carried in the
 * kernel state, a /proc/slabinfo-like view, and an export policy per class that the export paths
 * (trace file, OpenTelemetry, messages to other agents) consult.
 */
export { SLAB_CLASSES, SLAB_CLASS_NAMES, SLAB_HEADER, BYTES_PER_TOKEN, EXPORT_PATHS, OPEN_POLICY, type ExportPath, type ExportPolicy, type SlabClass, type SlabClassName } from './slabClass';
export { newLedger, slabAlloc, slabFree, type SlabLedger, type SlabStats } from './ledger';
export { accounted, spanBytes, startLedger } from './accountEvent';
export { WITHHELD, classOfSource, exportFilter, exportPolicies, traceFileEvents, withheldClasses } from './exportPolicy';
export { ipcWithheld } from './ipcPolicy';
export { slabRows, slabinfoText, type SlabRow } from './slabinfo';
