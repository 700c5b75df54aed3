/**
 * Persistence: the studio's IndexedDB through Dexie (the only layer that imports dexie).
 * The worker uses these stores; nothing above the worker reaches storage directly.
 */
export { StudioDb, openDb, DB_NAME, type ProjectRow, type VersionRow, type RunRecord, type RunRow, type RunStatus, type EventBlockRow, type SnapshotRow, type SettingRow, type EndpointRow, type StorageNotice, type ArchiveChunkRow, type ArchiveBlockRow, type ArchivePartRow, type ArchiveSegmentMeta, type ArchiveStatsRow, type ExperimentRow, type ExperimentRunRow, type ExperimentTraceRow } from './StudioDb';
export { StorageError, toStorageError, withStorage, BLOCKED_MESSAGE, VERSION_CHANGE_MESSAGE, type StorageErrorKind } from './storageError';
export { ProjectStore, MAX_VERSIONS, type ProjectSummaryRow, type SaveOutcome } from './ProjectStore';
export { isUnfinished, isHeldByOther, isInterrupted } from './runLease';
export { RunStore, type RunCommit, type CommitAs, type ClaimOutcome } from './RunStore';
export { SettingStore } from './SettingStore';
export { EndpointStore, ENDPOINT_KINDS, type EndpointInput, type EndpointSummary, type EndpointKind } from './EndpointStore';
export { DexieArchive } from './DexieArchive';
export { EVENT_BLOCK_SIZE, blockOf, toEventBlocks, compressedBlocks, encodeEventBlock, eventsOfBlock } from './eventBlocks';
export { benchEventWrites } from './benchEventWrites';
export { ExperimentStore, EXPERIMENT_EXPORT_KIND, TRACE_KEY, parseExperimentExport, type ExperimentExport, type ExperimentUpdate } from './ExperimentStore';
