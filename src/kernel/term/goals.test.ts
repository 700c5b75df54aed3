import { describe, expect, it } from 'vitest';
import type { GroupState, KernelState, Proc } from '../state/state';
import type { Segment } from '../memory/segment';
import { PredicateSchema, type Predicate } from '../spec';
import { artifactFields, evaluate, explain, hasTag, normaliseFact } from './goals';

const seg = (text: string, i = 0): Segment => ({
  id: `s${i}`, role: 'user', text, tokens: 1, kind: 'message', fact: false, pinned: false, source: 'msg:x',
  trust: 'trusted', verified: false, validity: 1, t: 0, reads: [],
});

/** Only the fields the predicates read; the rest of a process does not matter to them. */
const proc = (id: string, state: Proc['state'], context: string[] = []): Proc =>
  ({ id, state, context: context.map(seg) }) as Partial<Proc> as Proc;

const group = (id: string, over: Partial<GroupState> = {}): GroupState => ({
  id, parent: null, tokens: null, cost: null, periodMs: null, weight: 100, usedTokens: 0, usedCost: 0, periodStart: 0, throttledUntil: null, ...over,
});

/** Only the fields the predicates read (procs, artifacts, sent, groups, totals). */
function state(over: Partial<KernelState> = {}): KernelState {
  return { procs: {}, artifacts: {}, sent: [], groups: {}, tokensIn: 0, tokensOut: 0, cost: 0, ...over } as Partial<KernelState> as KernelState;
}

const art = (text: string) => ({ agent: 'w' as Proc['id'], text, seq: 1 });

describe('artifact predicates', () => {
  const s = state({
    artifacts: {
      json: art('{"status": "approved", "score": 7, "ok": true}'),
      lines: art('Title: Report\nStatus:  approved \nstatus: draft'),
      text: art('findings: none found'),
    },
  });

  it('hold when the artifact exists and contains the text', () => {
    expect(evaluate({ kind: 'artifact', name: 'text' }, s)).toBe(true);
    expect(evaluate({ kind: 'artifact', name: 'text', contains: 'found' }, s)).toBe(true);
    expect(evaluate({ kind: 'artifact', name: 'text', contains: 'missing' }, s)).toBe(false);
    expect(evaluate({ kind: 'artifact', name: 'nope' }, s)).toBe(false);
  });

  it('read fields from a JSON object, non-string values as JSON', () => {
    expect(evaluate({ kind: 'artifact', name: 'json', fields: { status: 'approved', score: '7', ok: 'true' } }, s)).toBe(true);
    expect(evaluate({ kind: 'artifact', name: 'json', fields: { status: 'draft' } }, s)).toBe(false);
    expect(evaluate({ kind: 'artifact', name: 'json', fields: { Status: 'approved' } }, s)).toBe(false); // JSON keys are exact
  });

  it('read fields from `key: value` lines when the text is not JSON, keys without case, first line wins', () => {
    expect(evaluate({ kind: 'artifact', name: 'lines', fields: { status: 'approved', title: 'Report' } }, s)).toBe(true);
    expect(evaluate({ kind: 'artifact', name: 'lines', fields: { STATUS: 'approved' } }, s)).toBe(true);
    expect(evaluate({ kind: 'artifact', name: 'lines', fields: { status: 'Approved' } }, s)).toBe(false); // values are case-sensitive
    expect(artifactFields('{not json\nstatus: ok').fields.get('status')).toBe('ok');
    expect(artifactFields('[1, 2]').format).toBe('lines');
  });

  it('explain what is missing or different', () => {
    expect(explain({ kind: 'artifact', name: 'nope' }, s)).toBe('artifact "nope" does not exist');
    expect(explain({ kind: 'artifact', name: 'text', contains: 'missing' }, s)).toBe('artifact "text" does not contain "missing"');
    expect(explain({ kind: 'artifact', name: 'json', fields: { status: 'draft' } }, s)).toBe('artifact "json": status is "approved", not "draft"');
    expect(explain({ kind: 'artifact', name: 'json', fields: { author: 'x' } }, s)).toBe('artifact "json" has no field author');
    expect(explain({ kind: 'artifact', name: 'json', contains: 'score', fields: { status: 'approved' } }, s)).toBe('artifact "json" exists and contains "score" with status=approved');
  });
});

describe('fact predicates', () => {
  const s = state({
    procs: {
      alice: proc('alice', 'ready', ['Note: the   Capital of France is PARIS.', 'unrelated']),
      bob: proc('bob', 'ready', ['nothing here']),
    } as KernelState['procs'],
  });

  it('hold when the normalised fact is inside one of that agent’s context segments', () => {
    expect(normaliseFact('  The capital\tof France is Paris. ')).toBe('the capital of france is paris');
    expect(evaluate({ kind: 'fact', fact: 'the capital of France is Paris.', in: 'alice' }, s)).toBe(true);
    expect(evaluate({ kind: 'fact', fact: 'the capital of France is Paris', in: 'bob' }, s)).toBe(false);
    expect(evaluate({ kind: 'fact', fact: 'anything', in: 'carol' }, s)).toBe(false);
  });

  it('explain whose context holds it or lacks it', () => {
    expect(explain({ kind: 'fact', fact: 'capital of France', in: 'alice' }, s)).toBe(`alice's context holds "capital of France"`);
    expect(explain({ kind: 'fact', fact: 'capital of France', in: 'bob' }, s)).toBe(`bob's context lacks "capital of France"`);
    expect(explain({ kind: 'fact', fact: 'x', in: 'carol' }, s)).toBe('no agent "carol"');
  });
});

describe('finished predicates', () => {
  const s = state({ procs: { a: proc('a', 'done'), b: proc('b', 'blocked') } as KernelState['procs'] });
  it('hold for a done agent only, and say what state the others are in', () => {
    expect(evaluate({ kind: 'finished', agent: 'a' }, s)).toBe(true);
    expect(evaluate({ kind: 'finished', agent: 'b' }, s)).toBe(false);
    expect(explain({ kind: 'finished', agent: 'a' }, s)).toBe('a finished');
    expect(explain({ kind: 'finished', agent: 'b' }, s)).toBe('b is blocked, not finished');
    expect(explain({ kind: 'finished', agent: 'z' }, s)).toBe('no agent "z"');
  });
});

describe('message predicates', () => {
  const sent = [
    { from: 'editor', to: 'writer', text: 'Make it more formal' },
    { from: 'editor', to: 'writer', text: 'Verdict: approved' },
    { from: 'writer', to: 'editor', text: 'here is v2', facts: ['draft: v2'] },
  ] as KernelState['sent'];
  const s = state({ sent });

  it('match sender, receiver, text and tag together', () => {
    expect(evaluate({ kind: 'message', from: 'editor' }, s)).toBe(true);
    expect(evaluate({ kind: 'message', from: 'editor', to: 'editor' }, s)).toBe(false);
    expect(evaluate({ kind: 'message', contains: 'formal' }, s)).toBe(true);
    expect(evaluate({ kind: 'message', from: 'editor', tag: 'verdict' }, s)).toBe(true);
    expect(evaluate({ kind: 'message', from: 'writer', tag: 'verdict' }, s)).toBe(false);
    expect(evaluate({ kind: 'message', from: 'writer', tag: 'draft' }, s)).toBe(true); // from its facts
  });

  it('tag a message by a `tag:` prefix of its text or a fact, or a fact equal to the tag', () => {
    expect(hasTag('  VERDICT: ok', [], 'verdict')).toBe(true);
    expect(hasTag('the verdict: ok', [], 'verdict')).toBe(false);
    expect(hasTag('hello', ['Done'], 'done')).toBe(true);
    expect(hasTag('hello', ['done and dusted'], 'done')).toBe(false);
  });

  it('explain which message was or was not sent', () => {
    expect(explain({ kind: 'message', from: 'editor', tag: 'verdict' }, s)).toBe('a message from editor tagged "verdict" was sent');
    expect(explain({ kind: 'message', to: 'boss', contains: 'report' }, s)).toBe('no message to boss containing "report" was sent (3 sent in all)');
  });
});

describe('budget predicates', () => {
  const s = state({
    tokensIn: 600, tokensOut: 200, cost: 0.25,
    groups: {
      root: group('root', { tokens: 1000, usedTokens: 900 }),
      team: group('team', { parent: 'root', tokens: 500, usedTokens: 50, cost: 1, usedCost: 0.4 }),
      free: group('free'),
      spent: group('spent', { tokens: 100, usedTokens: 100 }),
    },
  });
  const limits = { maxTokens: 1000, maxCost: 1 };

  it('measure the harness limits against the run totals when no group is named', () => {
    expect(evaluate({ kind: 'budget' }, s, limits)).toBe(true);
    expect(evaluate({ kind: 'budget', tokensLeft: 200 }, s, limits)).toBe(true);
    expect(evaluate({ kind: 'budget', tokensLeft: 201 }, s, limits)).toBe(false);
    expect(evaluate({ kind: 'budget', costLeft: 0.75 }, s, limits)).toBe(true);
    expect(evaluate({ kind: 'budget', costLeft: 0.8 }, s, limits)).toBe(false);
    expect(evaluate({ kind: 'budget' }, state({ tokensIn: 1000 }), limits)).toBe(false);
    expect(evaluate({ kind: 'budget', tokensLeft: 1e9 }, s)).toBe(true); // no limits: nothing runs out
  });

  it('take a group’s quota minus its use, capped by what its ancestors have left', () => {
    expect(evaluate({ kind: 'budget', group: 'team', tokensLeft: 100 }, s)).toBe(true);
    expect(evaluate({ kind: 'budget', group: 'team', tokensLeft: 101 }, s)).toBe(false); // root has 100 left
    expect(evaluate({ kind: 'budget', group: 'team', costLeft: 0.6 }, s)).toBe(true);
    expect(evaluate({ kind: 'budget', group: 'free', tokensLeft: 1e9, costLeft: 1e9 }, s)).toBe(true);
    expect(evaluate({ kind: 'budget', group: 'spent' }, s)).toBe(false);
    expect(evaluate({ kind: 'budget', group: 'ghost' }, s)).toBe(false);
  });

  it('explain what is left and what is needed', () => {
    expect(explain({ kind: 'budget' }, s, limits)).toBe('the harness: 200 tokens left, $0.75 left');
    expect(explain({ kind: 'budget', tokensLeft: 500 }, s, limits)).toBe('the harness: 200 tokens left (needs 500)');
    expect(explain({ kind: 'budget', group: 'team', costLeft: 0.5 }, s)).toBe('group team: $0.6 left (needs $0.5)');
    expect(explain({ kind: 'budget', group: 'spent' }, s)).toBe('group spent is spent: 0 tokens left, no cost limit');
    expect(explain({ kind: 'budget' }, s)).toBe('the harness: no token limit, no cost limit');
    expect(explain({ kind: 'budget', group: 'ghost' }, s)).toBe('no budget group "ghost"');
  });
});

describe('all and any', () => {
  const s = state({
    procs: { a: proc('a', 'done'), b: proc('b', 'ready') } as KernelState['procs'],
    artifacts: { out: art('status: ok') },
  });
  const aDone: Predicate = { kind: 'finished', agent: 'a' };
  const bDone: Predicate = { kind: 'finished', agent: 'b' };
  const out: Predicate = { kind: 'artifact', name: 'out', fields: { status: 'ok' } };

  it('nest: all of (a done, any of (b done, out ok))', () => {
    const p: Predicate = { kind: 'all', of: [aDone, { kind: 'any', of: [bDone, out] }] };
    expect(evaluate(p, s)).toBe(true);
    expect(evaluate({ kind: 'all', of: [aDone, bDone] }, s)).toBe(false);
    expect(evaluate({ kind: 'any', of: [bDone, { kind: 'all', of: [bDone, out] }] }, s)).toBe(false);
    expect(evaluate({ kind: 'all', of: [] }, s)).toBe(true);
    expect(evaluate({ kind: 'any', of: [] }, s)).toBe(false);
  });

  it('explain: how many hold and why the others do not; the alternative that holds', () => {
    expect(explain({ kind: 'all', of: [aDone, out] }, s)).toBe('all 2 hold');
    expect(explain({ kind: 'all', of: [aDone, bDone, { kind: 'artifact', name: 'x' }] }, s)).toBe('1 of 3 hold; b is ready, not finished; artifact "x" does not exist');
    expect(explain({ kind: 'any', of: [bDone, out] }, s)).toBe('artifact "out" exists with status=ok');
    expect(explain({ kind: 'any', of: [bDone] }, s)).toBe('none of 1 hold; b is ready, not finished');
  });

  it('pass the limits down to nested budgets', () => {
    const p: Predicate = { kind: 'any', of: [bDone, { kind: 'budget', tokensLeft: 10 }] };
    expect(evaluate(p, state({ tokensIn: 95 }), { maxTokens: 100 })).toBe(false);
    expect(evaluate(p, state({ tokensIn: 90 }), { maxTokens: 100 })).toBe(true);
  });
});

describe('the predicate schema', () => {
  it('accepts every kind and rejects a tag with a colon or a negative threshold', () => {
    const ok: unknown[] = [
      { kind: 'artifact', name: 'out', fields: { status: 'ok' } },
      { kind: 'fact', fact: 'x', in: 'alice' },
      { kind: 'message', tag: 'verdict' },
      { kind: 'budget', group: 'team', tokensLeft: 0, costLeft: 0.5 },
      { kind: 'all', of: [{ kind: 'any', of: [{ kind: 'finished', agent: 'a' }] }] },
    ];
    for (const p of ok) expect(PredicateSchema.safeParse(p).success).toBe(true);
    expect(PredicateSchema.safeParse({ kind: 'message', tag: 'a:b' }).success).toBe(false);
    expect(PredicateSchema.safeParse({ kind: 'budget', tokensLeft: -1 }).success).toBe(false);
    expect(PredicateSchema.safeParse({ kind: 'fact', fact: '', in: 'a' }).success).toBe(false);
  });
});

describe('similar predicates (lexical, offline)', () => {
  const s = state({
    artifacts: { summary: art('The budget is 5k and the deadline is Friday.') },
    procs: { writer: { ...proc('writer', 'done'), finished: 'The budget is 5k.' } as Proc, busy: { ...proc('busy', 'running'), finished: null } as Proc },
  });
  const reference = 'budget 5k deadline Friday';

  it('holds when the score reaches the threshold, and the explanation shows the score against the threshold', () => {
    const p: Predicate = { kind: 'similar', artifact: 'summary', reference, threshold: 0.5 };
    expect(evaluate(p, s)).toBe(true);
    // LCS = budget, 5k, deadline, friday = 4 of 4 reference words; 9 words in the text: F = 2·1·(4/9)/(1 + 4/9) = 0.615.
    expect(explain(p, s)).toBe('artifact "summary" is similar enough to the reference: ROUGE-L 0.615 ≥ threshold 0.5 (4 of 4 reference words matched, 9 in the text)');
    const strict: Predicate = { ...p, threshold: 0.7 };
    expect(evaluate(strict, s)).toBe(false);
    expect(explain(strict, s)).toContain('is not similar enough to the reference: ROUGE-L 0.615 < threshold 0.7');
  });

  it('reads an agent\'s final answer once it finished, and waits for a subject that does not exist yet', () => {
    expect(evaluate({ kind: 'similar', agent: 'writer', reference: 'the budget is 5k', threshold: 1 }, s)).toBe(true);
    expect(evaluate({ kind: 'similar', agent: 'busy', reference: 'x', threshold: 0 }, s)).toBe(false);
    expect(explain({ kind: 'similar', artifact: 'none', reference: 'x', threshold: 0.3, measure: 'rouge-1' }, s)).toBe('artifact "none" does not exist yet (similarity ROUGE-1 ≥ 0.3 to be checked)');
  });

  it('needs a threshold in the document and exactly one subject', () => {
    expect(PredicateSchema.safeParse({ kind: 'similar', artifact: 'a', reference: 'r' }).success).toBe(false);
    expect(PredicateSchema.safeParse({ kind: 'similar', artifact: 'a', reference: 'r', threshold: 1.5 }).success).toBe(false);
    expect(PredicateSchema.safeParse({ kind: 'similar', reference: 'r', threshold: 0.5 }).success).toBe(false);
    expect(PredicateSchema.safeParse({ kind: 'similar', artifact: 'a', agent: 'w', reference: 'r', threshold: 0.5 }).success).toBe(false);
    expect(PredicateSchema.safeParse({ kind: 'similar', artifact: 'a', reference: 'r', threshold: 0.5 }).success).toBe(true);
  });
});

describe('judge predicates read the verdict the run recorded', () => {
  const judge: Predicate = { kind: 'judge', artifact: 'report', rubric: 'Is it polite?', model: 'critic' };
  const judged = (verdict: 'pass' | 'fail' | 'fallback' | 'error', version = 7, reason = 'it says please') =>
    state({ artifacts: { report: { agent: 'w' as Proc['id'], text: 'Please find the report.', seq: 7 } }, judged: { 'g\u0000when': { version, verdict, reason, seq: 9 } } });

  it('hold on a model\'s pass for the subject as it is now, not on a fail or on a verdict about an older text', () => {
    expect(evaluate(judge, judged('pass'), undefined, 'g')).toBe(true);
    expect(explain(judge, judged('pass'), undefined, 'g')).toBe('model critic judged artifact "report": pass — it says please');
    expect(evaluate(judge, judged('fail'), undefined, 'g')).toBe(false);
    expect(evaluate(judge, judged('pass', 3), undefined, 'g')).toBe(false);
    expect(explain(judge, judged('pass', 3), undefined, 'g')).toBe('artifact "report" is not judged yet (model critic: "Is it polite?")');
    // Outside a goal there is no recorded verdict to read.
    expect(evaluate(judge, judged('pass'))).toBe(false);
  });

  it('show an error at the goal, and label an offline fallback as not a model\'s verdict', () => {
    expect(explain(judge, judged('error', 7, 'model critic: connection refused (check the URL)'), undefined, 'g')).toBe('the judge could not answer: model critic: connection refused (check the URL)');
    const withFallback: Predicate = { ...judge, fallback: { kind: 'artifact', name: 'report', contains: 'Please' } };
    expect(evaluate(withFallback, judged('fallback'), undefined, 'g')).toBe(true);
    expect(explain(withFallback, judged('fallback'), undefined, 'g')).toBe('offline fallback, not a model\'s verdict (model critic runs on the sim CPU): artifact "report" exists and contains "Please"');
  });

  it('are found by their path inside all / any', () => {
    const s = state({ artifacts: { report: { agent: 'w' as Proc['id'], text: 'x', seq: 2 } }, judged: { 'g\u0000when.of[1]': { version: 2, verdict: 'pass', reason: 'ok', seq: 3 } } });
    expect(evaluate({ kind: 'all', of: [{ kind: 'artifact', name: 'report' }, judge] }, s, undefined, 'g')).toBe(true);
    expect(evaluate({ kind: 'all', of: [judge, { kind: 'artifact', name: 'report' }] }, s, undefined, 'g')).toBe(false);
  });
});
