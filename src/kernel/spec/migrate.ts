/**
 * Migration hook: documents written by an older version are lifted step by step
 * (v → v+1) before validation. A migration is a pure function of the raw input.
 */
import { SPEC_VERSION } from './schema';
import type { SpecIssue } from './specIssue';

export type Migration = (doc: Record<string, unknown>) => Record<string, unknown>;
/** Maps a version v to the function that turns a v document into a v+1 one. */
export type MigrationTable = Readonly<Record<number, Migration>>;

/** Version 1 is the first published version; later versions register here. */
export const MIGRATIONS: MigrationTable = Object.freeze({});

export function migrate(
  doc: Record<string, unknown>,
  table: MigrationTable,
  target: number = SPEC_VERSION,
): { ok: true; doc: Record<string, unknown>; from: number } | { ok: false; issue: SpecIssue } {
  const version = doc.version;
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    const found = version === undefined ? 'nothing' : JSON.stringify(version);
    return { ok: false, issue: { path: 'version', message: `version: expected the integer ${target}, found ${found}`, expected: String(target), found } };
  }
  if (version > target || version < 1) {
    return {
      ok: false,
      issue: {
        path: 'version',
        message: `version: this studio reads harness documents up to version ${target}, found version ${version}`,
        expected: `1..${target}`,
        found: String(version),
      },
    };
  }
  let cur = doc;
  for (let v = version; v < target; v++) {
    const step = table[v];
    if (!step) {
      return { ok: false, issue: { path: 'version', message: `version: no migration from version ${v} to ${v + 1}`, expected: String(target), found: String(version) } };
    }
    cur = { ...step(cur), version: v + 1 };
  }
  return { ok: true, doc: cur, from: version };
}
