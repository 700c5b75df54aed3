import { describe, expect, it } from 'vitest';
import { parseHarness } from '../../kernel';
import { blankDocument, exportFileName, exportText, issueLines, readImport } from './projectFiles';

describe('project files', () => {
  it('makes a valid blank document', () => {
    expect(parseHarness(blankDocument('New')).ok).toBe(true);
  });
  it('names exports safely', () => {
    expect(exportFileName('Research team')).toBe('Research team.harness.json');
    expect(exportFileName('a/b:c')).toBe('a-b-c.harness.json');
    expect(exportFileName('  ')).toBe('harness.harness.json');
  });
  it('exports the raw text of a document that never parsed', () => {
    expect(exportText('{ broken')).toBe('{ broken');
    expect(JSON.parse(exportText({ version: 1 }))).toEqual({ version: 1 });
  });
  it('imports broken JSON as text, with a located syntax error', () => {
    const r = readImport('team.harness.json', '{ "version": 1, }');
    expect(r.doc).toBe('{ "version": 1, }');
    expect(r.name).toBe('team');
    expect(r.issues[0]?.message).toMatch(/not valid JSON/);
  });
  it('imports an invalid document with path-precise issues', () => {
    const r = readImport('x.json', JSON.stringify({ version: 1, name: 'X', agents: [{ id: 'a', name: 'A', model: 'nope' }] }));
    expect(r.name).toBe('X');
    expect(r.issues.map((i) => i.path)).toEqual(['agents[0].model']);
    expect(issueLines(r.issues)[0]).toMatch(/^agents\[0\]\.model: /);
  });
});
