/**
 * A real model as a goal's judge: the rubric and the judged text become one chat request (no
 * tools, temperature 0, the run's seed where the API takes one), and the answer's first word
 * becomes the verdict. The kernel records the answer on `goal.judged` (kernel/loop/judge.ts), so
 * a replay reads it and never sends this request again.
 */
import { countTokens, encodingFor, type JudgeAnswer, type JudgeRequest } from '../kernel';
import type { ChatRequest, ChatResponse } from './types';

/** What the judge is told it is, and how to answer (the first word is parsed). */
export const JUDGE_SYSTEM =
  'You are an exacting evaluator. You are given a rubric and a text produced by an agent. Decide whether the text satisfies the rubric. ' +
  'Answer with PASS or FAIL as the first word, then one short sentence saying why.';

/** Output tokens a judge may spend: a verdict and a sentence. */
export const JUDGE_MAX_TOKENS = 200;

/** The chat request for a judgement. */
export function judgeChatRequest(req: JudgeRequest): ChatRequest {
  return {
    model: req.model.model,
    system: JUDGE_SYSTEM,
    messages: [{ role: 'user', text: `Rubric: ${req.rubric}\n\nThe text (${req.subjectName}):\n<<<\n${req.subject}\n>>>\n\nDoes the text satisfy the rubric? Answer PASS or FAIL, then why.` }],
    toolChoice: 'none',
    temperature: 0,
    seed: req.seed,
    maxTokens: JUDGE_MAX_TOKENS,
  };
}

/**
 * The verdict in an answer: its first word (markdown and punctuation ignored) PASS / YES / TRUE
 * is `pass`, FAIL / NO / FALSE is `fail`, anything else `unclear`; the reason is the rest of
 * the answer, on one line.
 */
export function parseVerdict(answer: string): { verdict: JudgeAnswer['verdict']; reason: string } {
  const text = answer.trim();
  const m = /^[\s*_#>`"'([]*([A-Za-z]+)[\s*_`"')\].:;,!-]*([\s\S]*)$/.exec(text);
  const word = m?.[1]?.toLowerCase() ?? '';
  const verdict = ['pass', 'yes', 'true', 'passed'].includes(word) ? 'pass' : ['fail', 'no', 'false', 'failed'].includes(word) ? 'fail' : 'unclear';
  const rest = verdict === 'unclear' ? text : (m?.[2] ?? '');
  return { verdict, reason: rest.replace(/\s+/g, ' ').trim() || '(no reason given)' };
}

/**
 * The judge's answer from the model's response: the verdict and reason parsed from its text, the
 * record as `infer.completed` keeps one (`recorded`: the response without its text, which the
 * answer holds).
 */
export function judgeAnswer(req: JudgeRequest, provider: string, chat: ChatRequest, response: ChatResponse, recorded: Record<string, unknown>): JudgeAnswer {
  const answer = response.text;
  const encoding = encodingFor(req.model);
  return {
    ...parseVerdict(answer),
    answer,
    record: {
      provider,
      reported: response.usage ? { tokensIn: response.usage.inputTokens, tokensOut: response.usage.outputTokens } : null,
      estimate: { tokensIn: countTokens(`${chat.system}\n${chat.messages.map((m) => m.text).join('\n')}`, encoding), tokensOut: countTokens(answer, encoding) },
      response: recorded,
    },
  };
}
