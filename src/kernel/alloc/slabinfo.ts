/**
 * The slab view: one row per class with its counters and export policy, and the same as text in
 * the layout of /proc/slabinfo (a header line, then one line per cache), for agents and the CLI.
 */
import type { AllocSpec } from '../spec/schema';
import type { SlabLedger, SlabStats } from './ledger';
import { exportPolicies } from './exportPolicy';
import { SLAB_CLASSES, type ExportPolicy, type SlabClass } from './slabClass';

/** One row of the slab view. */
export interface SlabRow extends SlabStats {
  cls: SlabClass;
  policy: ExportPolicy;
}

/** The rows of the view, in class order; null when the state carries no ledger (stored before accounting existed). */
export function slabRows(ledger: SlabLedger | undefined, spec: { alloc?: AllocSpec | undefined }): SlabRow[] | null {
  if (ledger === undefined) return null;
  const policy = exportPolicies(spec);
  return SLAB_CLASSES.map((cls) => ({ cls, policy: policy[cls.name], ...ledger[cls.name] }));
}

const pad = (v: string | number, n: number): string => String(v).padStart(n);

/** The rows as /proc/slabinfo-style text: name, live, bytes, peak, peak bytes, allocs, frees, export paths. */
export function slabinfoText(rows: readonly SlabRow[]): string {
  const head = `# name            <live> <bytes> <peak> <peakbytes> <allocs> <frees> : export <file> <otel> <ipc>`;
  const yes = (b: boolean): string => (b ? 'yes' : 'no');
  const lines = rows.map((r) => `${r.cls.name.padEnd(16)} ${pad(r.live, 6)} ${pad(r.bytes, 7)} ${pad(r.peak, 6)} ${pad(r.peakBytes, 11)} ${pad(r.allocs, 8)} ${pad(r.frees, 7)} : export ${pad(yes(r.policy.file), 6)} ${pad(yes(r.policy.otel), 6)} ${pad(yes(r.policy.ipc), 5)}`);
  return ['slabinfo - version: 2.1 (harness studio)', head, ...lines].join('\n');
}
