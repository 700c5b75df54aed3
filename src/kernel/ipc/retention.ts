/**
 * Fact retention across hops (DESIGN ipc/): a part tagged fact must arrive intact in the
 * receiver's context at every hop. This measures which facts do, per edge and along a chain.
 *
 * What counts as intact:
 * - data part: its canonical JSON appears, as a whole token, in some segment's text or in the
 *   canonical form of a segment that is itself JSON. Key order and spacing never matter; every
 *   value must be equal (data 1234 is not found in "12345" or "1234.5").
 * - file part: its url (inline: its base64 bytes) appears verbatim in some segment.
 * - text part: normalised (`normaliseText`), it appears in a normalised segment as a run of
 *   whole words. Case, punctuation, symbols, spacing and Unicode compatibility forms do not
 *   matter; a changed, dropped or inserted word does, and so does any change to a number,
 *   which is copied as written. "Budget: $4,000." arrives as "BUDGET — $4,000 (approved)"
 *   but not as "budget 4 000" or "budget 4000": were digit groups loose words, "$4,000" would
 *   arrive inside "$4,000,000" and "$4,000.50". Nor does it arrive as any paraphrase.
 * Parts tagged context may be lossy by contract and are never counted.
 */
import { partTag, type Part } from './a2a';
import { canonicalJson } from './canonicalJson';

/** Dashes and the minus sign, folded to "-" so "10–20" and "10-20" are one number. */
const DASHES = /[\u2010-\u2015\u2212]/gu;
const PUNCT_OR_SYMBOL = /[\p{P}\p{S}]/gu;
const DIGIT = /\p{Nd}/u;
const WORD_CHAR = /[\p{L}\p{N}]/u;
/** Marks that join the digits of one number: 4,000 · 4.5 · 17:00 · 14/07 · 2025-07-14 · 1'000. */
const NUMBER_JOINERS = new Set(['.', ',', ':', '/', '-', "'", '\u2019']);

/**
 * Text as retention compares it: NFKC (full-width forms, ligatures and the like fold to their
 * plain forms), lower case, every punctuation mark and symbol turned into a space except
 * inside a number (a joiner between two digits, a minus before one), whitespace runs
 * collapsed to one space, trimmed. `normaliseText('Budget: $4,000.')` is "budget 4,000".
 */
export function normaliseText(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(DASHES, '-')
    .replace(PUNCT_OR_SYMBOL, (c: string, i: number, all: string) => {
      const before = all[i - 1] ?? '';
      const after = all[i + 1] ?? '';
      if (!DIGIT.test(after)) return ' ';
      if (NUMBER_JOINERS.has(c) && DIGIT.test(before)) return c;
      return c === '-' && !WORD_CHAR.test(before) ? c : ' ';
    })
    .replace(/\s+/gu, ' ')
    .trim();
}

/** A receiver's context prepared once for many facts: normalised and padded, and canonical JSON where a segment parses. */
interface ContextView {
  raw: readonly string[];
  words: readonly string[];
  json: readonly string[];
}

function viewOf(context: readonly string[]): ContextView {
  const json: string[] = [];
  for (const text of context) {
    const t = text.trim();
    if (!t.startsWith('{') && !t.startsWith('[')) continue;
    try {
      json.push(canonicalJson(JSON.parse(t)));
    } catch {
      // Prose that happens to open with a bracket: only its raw text is searched.
    }
  }
  return { raw: context, words: context.map((s) => ` ${normaliseText(s)} `), json };
}

/**
 * Whether `needle` occurs in `hay` as a whole: where it starts or ends with a letter or digit,
 * not glued to a longer token, so data 1234 is not found in "12345", "-1234" or "1234.5".
 */
function containsWhole(hay: string, needle: string): boolean {
  const checkStart = WORD_CHAR.test(needle[0] ?? '');
  const checkEnd = WORD_CHAR.test(needle[needle.length - 1] ?? '');
  for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + 1)) {
    const before = hay[i - 1] ?? '';
    const after = hay.slice(i + needle.length, i + needle.length + 2);
    if (checkStart && (WORD_CHAR.test(before) || before === '_' || before === '.' || before === '-')) continue;
    if (checkEnd && (WORD_CHAR.test(after[0] ?? '') || after[0] === '_' || /^[.,]\p{Nd}/u.test(after))) continue;
    return true;
  }
  return false;
}

function arrivedIn(fact: Part, view: ContextView): boolean {
  if (fact.text !== undefined) {
    const words = normaliseText(fact.text);
    if (words === '') return true;
    return view.words.some((s) => s.includes(` ${words} `));
  }
  if ('data' in fact) {
    const needle = canonicalJson(fact.data);
    return view.raw.some((s) => containsWhole(s, needle)) || view.json.some((s) => containsWhole(s, needle));
  }
  const needle = fact.url ?? fact.raw;
  return view.raw.some((s) => s.includes(needle));
}

/**
 * Whether `fact` arrived intact in a receiver whose context holds `receiverContext` (segment
 * texts). A text fact with no words left after normalising carries nothing and counts as arrived.
 */
export function factArrived(fact: Part, receiverContext: readonly string[]): boolean {
  return arrivedIn(fact, viewOf(receiverContext));
}

/** How a fact is named in reports: its text, its canonical JSON, its url, or its file name. */
export function factLabel(fact: Part): string {
  if (fact.text !== undefined) return fact.text;
  if ('data' in fact) return canonicalJson(fact.data);
  if (fact.url !== undefined) return fact.url;
  return fact.filename ?? `${fact.raw.slice(0, 16)}…`;
}

const counted = (facts: readonly Part[]): Part[] => facts.filter((f) => partTag(f) !== 'context');

const ratioOf = (arrived: number, sent: number): number => (sent === 0 ? 1 : arrived / sent);

/** One message's facts and what its receiver held afterwards. */
export interface Hop {
  /** The channel the message took. */
  edge: string;
  from: string;
  to: string;
  msgId: string;
  facts: readonly Part[];
  /** The receiver's context segment texts after delivery. */
  receiverContext: readonly string[];
}

/** Retention over every message one edge carried. `ratio` is 1 when nothing was sent. */
export interface EdgeRetention {
  from: string;
  to: string;
  sent: number;
  arrived: number;
  ratio: number;
  /** Labels of the lost facts, one per lost instance, in hop order. */
  lost: string[];
}

/** Retention per edge, and over all hops together. */
export interface RetentionReport {
  perEdge: Record<string, EdgeRetention>;
  total: { sent: number; arrived: number; ratio: number };
}

/** Measures each hop's facts against its receiver's context and sums them per edge. */
export function retention(hops: readonly Hop[]): RetentionReport {
  const perEdge = new Map<string, EdgeRetention>();
  let sent = 0;
  let arrived = 0;
  for (const hop of hops) {
    const facts = counted(hop.facts);
    const view = viewOf(hop.receiverContext);
    const e = perEdge.get(hop.edge) ?? { from: hop.from, to: hop.to, sent: 0, arrived: 0, ratio: 1, lost: [] };
    for (const f of facts) {
      if (arrivedIn(f, view)) {
        e.arrived += 1;
        arrived += 1;
      } else e.lost.push(factLabel(f));
    }
    e.sent += facts.length;
    e.ratio = ratioOf(e.arrived, e.sent);
    perEdge.set(hop.edge, e);
    sent += facts.length;
  }
  return { perEdge: Object.fromEntries(perEdge), total: { sent, arrived, ratio: ratioOf(arrived, sent) } };
}

/** One hop of a chain: of the facts that survived every earlier hop, how many reached `to`. */
export interface ChainHop {
  from: string;
  to: string;
  /** Facts still alive when the hop began. */
  sent: number;
  arrived: number;
  /** arrived / sent: this hop's own retention (1 when nothing was left to send). */
  ratio: number;
  /** arrived / facts at the source: retention so far. */
  cumulative: number;
  lost: string[];
}

/** Retention along a chain of agents; `endToEnd` is the last hop's cumulative ratio. */
export interface ChainRetention {
  hops: ChainHop[];
  sent: number;
  arrived: number;
  endToEnd: number;
}

/**
 * Follows the source's facts along `chain` (agent ids, a → b → c → d), checking each against
 * the next agent's context. A fact counts at hop k only if it survived every hop before: one
 * lost and later re-derived does not come back. A missing context counts as empty.
 */
export function chainRetention(chain: readonly string[], factsAtSource: readonly Part[], contexts: Readonly<Record<string, readonly string[]>>): ChainRetention {
  const source = counted(factsAtSource);
  let alive = source;
  const hops: ChainHop[] = [];
  for (let k = 0; k + 1 < chain.length; k++) {
    const from = chain[k]!;
    const to = chain[k + 1]!;
    const view = viewOf(Object.hasOwn(contexts, to) ? contexts[to]! : []);
    const kept: Part[] = [];
    const lost: string[] = [];
    for (const f of alive) {
      if (arrivedIn(f, view)) kept.push(f);
      else lost.push(factLabel(f));
    }
    hops.push({ from, to, sent: alive.length, arrived: kept.length, ratio: ratioOf(kept.length, alive.length), cumulative: ratioOf(kept.length, source.length), lost });
    alive = kept;
  }
  return { hops, sent: source.length, arrived: alive.length, endToEnd: ratioOf(alive.length, source.length) };
}
