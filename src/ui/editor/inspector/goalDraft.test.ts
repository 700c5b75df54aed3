import { describe, expect, it } from 'vitest';
import { fieldsText, parseFieldLines, predicateOfKind, relativeIssues } from './goalDraft';

const issue = (path: string) => ({ path, message: `${path}: wrong` });

describe('goal issues', () => {
  it('keeps the issues under a prefix, paths relative to it', () => {
    const issues = [issue('goals[0].name'), issue('goals[0].when.of[1].name'), issue('goals[1].when.kind'), issue('goals[10].id'), issue('goals[0].when')];

    expect(relativeIssues(issues, 'goals[0]').map((i) => i.path)).toEqual(['name', 'when.of[1].name', 'when']);
    expect(relativeIssues(issues, 'goals[0].when').map((i) => i.path)).toEqual(['of[1].name', '']);
    expect(relativeIssues(issues, 'goals[0].when.of[1]').map((i) => i.path)).toEqual(['name']);
  });
});

describe('changing a condition kind', () => {
  it('wraps a leaf in a new all/any and switches all ↔ any keeping the parts', () => {
    const leaf = { kind: 'finished', agent: 'writer' };
    const all = predicateOfKind('all', leaf);

    expect(all).toEqual({ kind: 'all', of: [leaf] });
    expect(predicateOfKind('any', all)).toEqual({ kind: 'any', of: [leaf] });
  });

  it('unwraps a combinator to its first part of the wanted kind', () => {
    const any = { kind: 'any', of: [{ kind: 'fact', fact: 'x', in: 'a' }, { kind: 'finished', agent: 'b' }] };

    expect(predicateOfKind('finished', any, 'z')).toEqual({ kind: 'finished', agent: 'b' });
    expect(predicateOfKind('artifact', any)).toEqual({ kind: 'artifact', name: '' });
  });

  it('carries the agent and text over between leaves', () => {
    expect(predicateOfKind('fact', { kind: 'message', from: 'planner', contains: 'budget 5k' })).toEqual({ kind: 'fact', fact: 'budget 5k', in: 'planner' });
    expect(predicateOfKind('message', { kind: 'finished', agent: 'writer' })).toEqual({ kind: 'message' });
    expect(predicateOfKind('finished', { kind: 'budget' }, 'writer')).toEqual({ kind: 'finished', agent: 'writer' });
    expect(predicateOfKind('budget', undefined)).toEqual({ kind: 'budget' });
  });

  it('returns the same condition when the kind does not change', () => {
    const p = { kind: 'artifact', name: 'out', contains: 'ok' };
    expect(predicateOfKind('artifact', p)).toBe(p);
  });
});

describe('artifact fields as lines', () => {
  it('round-trips key=value lines', () => {
    const { fields, bad } = parseFieldLines('status = approved\n\nreviewer=ana=bo\n');

    expect(fields).toEqual({ status: 'approved', reviewer: 'ana=bo' });
    expect(bad).toEqual([]);
    expect(fieldsText(fields)).toBe('status=approved\nreviewer=ana=bo');
  });

  it('numbers the lines that are not key=value and gives no fields for none', () => {
    expect(parseFieldLines('status\n=x\nok=1')).toEqual({ fields: { ok: '1' }, bad: [1, 2] });
    expect(parseFieldLines('  \n')).toEqual({ fields: undefined, bad: [] });
    expect(fieldsText(undefined)).toBe('');
  });
});
