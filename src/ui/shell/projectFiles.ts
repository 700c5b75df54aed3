/**
 * Pure helpers for project files: the blank document, export names, reading an imported file.
 */
import { documentSecrets, parseHarness, parseJsonText, redactDocument, redactValue, SPEC_VERSION, type SpecIssue } from '../../kernel';
import { isRecord } from '../editor/docModel';

/** A new, valid harness: one sim model so the first agent has a CPU. */
export function blankDocument(name: string): Record<string, unknown> {
  return {
    version: SPEC_VERSION,
    name,
    description: '',
    models: [{ id: 'sim', name: 'Sim', provider: 'sim', model: 'sim-1', contextWindow: 8192, priceIn: 0, priceOut: 0, quality: 3, slots: 1 }],
    agents: [],
    tools: [],
    stores: [],
    channels: [],
    layout: { nodes: { sim: { x: 40, y: 300 } } },
  };
}

/** `My team` → `My team.harness.json`, without characters file systems reject. */
export function exportFileName(name: string): string {
  const safe = name.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '-').replace(/\s+/g, ' ').trim().slice(0, 100);
  return `${safe || 'harness'}.harness.json`;
}

/**
 * The text of an export: the document only, as the user wrote it, with every field marked secret
 * redacted, and each secret value wherever else it was pasted (a prompt, a script's text).
 */
export function exportText(doc: unknown): string {
  return typeof doc === 'string' ? doc : `${JSON.stringify(redactValue(redactDocument(doc), documentSecrets(doc)), null, 2)}\n`;
}

export interface ImportedFile {
  /** The document to store: parsed JSON, or the raw text when it is not JSON (nothing is lost). */
  doc: unknown;
  name: string;
  issues: SpecIssue[];
}

/** Reads an imported file. Never fails: a broken file is imported as-is, with its issues. */
export function readImport(fileName: string, text: string): ImportedFile {
  const json = parseJsonText(text);
  const fallbackName = fileName.replace(/\.harness\.json$|\.json$/i, '') || 'Imported harness';
  if (!json.ok) return { doc: text, name: fallbackName, issues: json.issues };
  const result = parseHarness(json.value);
  const name = isRecord(json.value) && typeof json.value.name === 'string' && json.value.name.trim() ? json.value.name.trim() : fallbackName;
  return { doc: json.value, name, issues: result.ok ? [] : result.issues };
}

/** One line per issue, path first: `agents[2].model: expected … found …`. */
export function issueLines(issues: readonly SpecIssue[], max = 8): string[] {
  const lines = issues.slice(0, max).map((i) => (i.message.startsWith(i.path) || i.path === '' ? i.message : `${i.path}: ${i.message}`));
  if (issues.length > max) lines.push(`…and ${issues.length - max} more (see Problems)`);
  return lines;
}
