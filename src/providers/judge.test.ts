import { describe, expect, it } from 'vitest';
import { parseVerdict } from './judge';

describe('parseVerdict', () => {
  it('reads the first word as the verdict, ignoring markdown and punctuation, and keeps the rest as the reason', () => {
    expect(parseVerdict('PASS — the report greets the reader.')).toEqual({ verdict: 'pass', reason: '— the report greets the reader.' });
    expect(parseVerdict('**Fail**: it never says thank you')).toEqual({ verdict: 'fail', reason: 'it never says thank you' });
    expect(parseVerdict('Yes.\nIt is polite.')).toEqual({ verdict: 'pass', reason: 'It is polite.' });
    expect(parseVerdict('no')).toEqual({ verdict: 'fail', reason: '(no reason given)' });
  });

  it('calls an answer that says neither unclear, keeping it whole as the reason', () => {
    expect(parseVerdict('It depends on the reader.')).toEqual({ verdict: 'unclear', reason: 'It depends on the reader.' });
    expect(parseVerdict('Passable, mostly')).toMatchObject({ verdict: 'unclear' });
  });
});
