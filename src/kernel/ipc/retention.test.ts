import { describe, expect, it } from 'vitest';
import { dataPart, fileBytes, fileRef, textPart } from './a2a';
import { chainRetention, factArrived, factLabel, normaliseText, retention, type Hop } from './retention';

const budget = textPart('Budget: $4,000.', { tag: 'fact' });
const deadline = textPart('Deadline is Friday 17:00 CET', { tag: 'fact' });
const order = dataPart({ vendor: 'acme', po: 1234 }, { tag: 'fact' });
const quote = fileRef('https://files.harness.local/quote.pdf', { filename: 'quote.pdf', tag: 'fact' });
const mood = textPart('The team seems happy with the shortlist', { tag: 'context' });
const atSource = [budget, deadline, order, quote, mood];

/** Receivers' context segments, as the kernel lays them out: the message, then one segment per fact. */
const contexts = {
  b: ['You are the buyer.', '[from a] Please buy the laptops, details attached.', 'Budget: $4,000.', 'Deadline is Friday 17:00 CET', '{"po":1234,"vendor":"acme"}', 'https://files.harness.local/quote.pdf'],
  // Hop 2 paraphrases the deadline and drops the order.
  c: ['You are the approver.', '[from b] Approve this: budget: $4,000, quote at https://files.harness.local/quote.pdf', 'The deadline is the end of the week.'],
  // d holds the deadline and the order again (from its own store): they were lost on the way and do not come back.
  d: ['[from c] Approved.', 'BUDGET — $4,000', 'Deadline is Friday 17:00 CET', '{"vendor": "acme", "po": 1234}', 'Quote: https://files.harness.local/quote.pdf'],
};

describe('normaliseText', () => {
  it.each([
    ['Budget: $4,000.', 'budget 4,000'],
    ['  Deadline\tis\n\nFriday!  ', 'deadline is friday'],
    ['Ｂｕｄｇｅｔ：＄４，０００', 'budget 4,000'],
    ['ﬁnal — “approved”', 'final approved'],
    ['pay 4.5% by 2025-07-14, 17:00', 'pay 4.5 by 2025-07-14 17:00'],
    ['range 10–20, low −5, sku A-1', 'range 10-20 low -5 sku a 1'],
    ["don't", 'don t'],
  ])('%j → %j', (input, out) => {
    expect(normaliseText(input)).toBe(out);
  });
});

describe('factArrived: what counts as intact', () => {
  it.each([
    ['Budget: $4,000.', 'BUDGET — $4,000 (approved)', true],
    ['Budget: $4,000.', 'budget 4,000', true],
    ['Budget: $4,000.', 'Ｂｕｄｇｅｔ：＄４，０００', true],
    ['Budget: $4,000.', 'budget 4 000', false],
    ['Budget: $4,000.', 'budget 4000', false],
    ['Budget: $4,000.', 'Budget: $14,000', false],
    ['Budget: $4,000.', 'Budget: $4,000,000', false],
    ['Budget: $4,000.', 'Budget: $4,000.50', false],
    ['Budget: $4,000.', 'The budget is $4,000', false],
    ['Deadline is Friday 17:00 CET', 'deadline is friday 17:00 cet.', true],
    ['Deadline is Friday 17:00 CET', 'Deadline is Friday 17.00 CET', false],
    ['Deadline is Friday 17:00 CET', 'The deadline is the end of the week.', false],
    ['!!!', 'anything', true],
  ] as const)('%j in %j → %s', (fact, segment, arrived) => {
    expect(factArrived(textPart(fact, { tag: 'fact' }), ['unrelated', segment])).toBe(arrived);
  });

  it('data: canonical JSON, in prose or as a JSON segment in any key order; values exact', () => {
    expect(factArrived(order, ['PO: {"po":1234,"vendor":"acme"} filed'])).toBe(true);
    expect(factArrived(order, ['{\n  "vendor": "acme",\n  "po": 1234\n}'])).toBe(true);
    expect(factArrived(order, ['[{"x":1},{"vendor":"acme","po":1234}]'])).toBe(true);
    expect(factArrived(order, ['{"vendor":"acme","po":1234,"note":"rush"}'])).toBe(false);
    expect(factArrived(order, ['{"vendor":"acme","po":"1234"}'])).toBe(false);
    expect(factArrived(order, ['vendor acme, po 1234'])).toBe(false);
    expect(factArrived(dataPart(1234), ['po 1234'])).toBe(true);
    expect(factArrived(dataPart(1234), ['po 1234.'])).toBe(true);
    for (const glued of ['po 12345', 'po 01234', 'po -1234', 'po 1234.5', 'po 1234,5', 'po x1234']) expect(factArrived(dataPart(1234), [glued])).toBe(false);
    expect(factArrived(dataPart('acme'), ['vendor "acme"'])).toBe(true);
    expect(factArrived(dataPart('acme'), ['vendor acme'])).toBe(false);
    expect(factArrived(order, ['{ not json at all'])).toBe(false);
  });

  it('files: the reference (or the bytes) verbatim', () => {
    expect(factArrived(quote, ['see https://files.harness.local/quote.pdf'])).toBe(true);
    expect(factArrived(quote, ['see the quote PDF'])).toBe(false);
    expect(factArrived(fileBytes('aGVsbG8=', { tag: 'fact' }), ['attached aGVsbG8='])).toBe(true);
  });

  it('labels facts by text, canonical JSON, url or file name', () => {
    expect([budget, order, quote, fileBytes('aGVsbG8=', { filename: 'hello.txt' })].map(factLabel)).toEqual(['Budget: $4,000.', '{"po":1234,"vendor":"acme"}', 'https://files.harness.local/quote.pdf', 'hello.txt']);
  });
});

describe('chainRetention: a → b → c → d', () => {
  it('counts a fact at hop k only if it survived every hop before', () => {
    expect(chainRetention(['a', 'b', 'c', 'd'], atSource, contexts)).toEqual({
      hops: [
        { from: 'a', to: 'b', sent: 4, arrived: 4, ratio: 1, cumulative: 1, lost: [] },
        { from: 'b', to: 'c', sent: 4, arrived: 2, ratio: 0.5, cumulative: 0.5, lost: ['Deadline is Friday 17:00 CET', '{"po":1234,"vendor":"acme"}'] },
        { from: 'c', to: 'd', sent: 2, arrived: 2, ratio: 1, cumulative: 0.5, lost: [] },
      ],
      sent: 4,
      arrived: 2,
      endToEnd: 0.5,
    });
  });

  it('multiplies losses down the chain', () => {
    const dLosesQuote = { ...contexts, d: contexts.d.filter((s) => !s.includes('quote.pdf')) };
    const r = chainRetention(['a', 'b', 'c', 'd'], atSource, dLosesQuote);
    expect(r.hops.map((h) => [h.ratio, h.cumulative])).toEqual([
      [1, 1],
      [0.5, 0.5],
      [0.5, 0.25],
    ]);
    expect(r.hops[2]!.lost).toEqual(['https://files.harness.local/quote.pdf']);
    expect(r.endToEnd).toBe(0.25);
  });

  it('treats a missing context as empty, and a chain of one as lossless', () => {
    expect(chainRetention(['a', 'x'], atSource, contexts).endToEnd).toBe(0);
    expect(chainRetention(['a'], atSource, contexts)).toEqual({ hops: [], sent: 4, arrived: 4, endToEnd: 1 });
    expect(chainRetention(['a', 'b'], [mood], contexts)).toEqual({ hops: [{ from: 'a', to: 'b', sent: 0, arrived: 0, ratio: 1, cumulative: 1, lost: [] }], sent: 0, arrived: 0, endToEnd: 1 });
  });
});

describe('retention per edge', () => {
  const four = [budget, deadline, order, quote, mood];
  const hops: Hop[] = [
    { edge: 'ab', from: 'a', to: 'b', msgId: 'm1', facts: four, receiverContext: contexts.b },
    { edge: 'bc', from: 'b', to: 'c', msgId: 'm2', facts: four, receiverContext: contexts.c },
    // c forwards the original tagged parts it received; d's context holds all four.
    { edge: 'cd', from: 'c', to: 'd', msgId: 'm3', facts: four, receiverContext: contexts.d },
    { edge: 'ab', from: 'a', to: 'b', msgId: 'm4', facts: [textPart('Ship to Berlin', { tag: 'fact' })], receiverContext: contexts.b },
  ];

  it('sums every message an edge carried; context parts are not counted', () => {
    expect(retention(hops)).toEqual({
      perEdge: {
        ab: { from: 'a', to: 'b', sent: 5, arrived: 4, ratio: 0.8, lost: ['Ship to Berlin'] },
        bc: { from: 'b', to: 'c', sent: 4, arrived: 2, ratio: 0.5, lost: ['Deadline is Friday 17:00 CET', '{"po":1234,"vendor":"acme"}'] },
        cd: { from: 'c', to: 'd', sent: 4, arrived: 4, ratio: 1, lost: [] },
      },
      total: { sent: 13, arrived: 10, ratio: 10 / 13 },
    });
  });

  it('reports nothing lost for no hops', () => {
    expect(retention([])).toEqual({ perEdge: {}, total: { sent: 0, arrived: 0, ratio: 1 } });
  });
});
