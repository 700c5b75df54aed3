import { describe, expect, it } from 'vitest';
import { entityIssues, fieldIssues, isUnder, issueTarget, issueText, issuesByEntity, unclaimedIssues } from './issueIndex';

const doc = { agents: [{ id: 'a' }, { id: 'b' }], channels: [{ id: 'c' }] };
const issues = [
  { path: 'agents[1].model', message: 'm' },
  { path: 'agents[1].sched.nice', message: 'n' },
  { path: 'agents[1].behaviour[2].to', message: 'b' },
  { path: 'channels[0].to', message: 'c' },
  { path: 'limits.maxSteps', message: 'l' },
];

describe('issue paths', () => {
  it('matches prefixes on segment boundaries', () => {
    expect(isUnder('agents[1].model', 'agents[1]')).toBe(true);
    expect(isUnder('agents[12].model', 'agents[1]')).toBe(false);
    expect(isUnder('modelX', 'model')).toBe(false);
  });
  it('finds the entity and field', () => {
    expect(issueTarget('agents[2].model')).toEqual({ kind: 'agent', index: 2, field: 'model' });
    expect(issueTarget('stores[0]')).toEqual({ kind: 'store', index: 0, field: '' });
    expect(issueTarget('limits.maxSteps')).toBeNull();
  });
  it('groups issues per entity id and per field', () => {
    const byEntity = issuesByEntity(doc, issues);
    expect(byEntity.get('b')).toHaveLength(3);
    expect(byEntity.get('c')).toHaveLength(1);
    const mine = entityIssues(issues, 'agent', 1);
    expect(fieldIssues(mine, 'model').map((i) => i.message)).toEqual(['m']);
    expect(fieldIssues(mine, 'sched').map((i) => i.message)).toEqual(['n']);
    expect(unclaimedIssues(mine, ['model', 'sched']).map((i) => i.path)).toEqual(['behaviour[2].to']);
  });
  it('drops the path prefix from messages shown in place', () => {
    expect(issueText({ path: 'agents[2].model', message: 'agents[2].model: expected the id of a model, found "x"' })).toBe('expected the id of a model, found "x"');
    expect(issueText({ path: '', message: 'document: expected an object' })).toBe('expected an object');
    expect(issueText({ path: '', message: 'not valid JSON at line 1' })).toBe('not valid JSON at line 1');
  });
});
