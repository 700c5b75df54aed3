/**
 * The shapes of a real model's calls as the kernel records them: the functions it is offered
 * and the typed error a call that does not map to an action becomes (built in loop/functions.ts).
 */
/** What a function does when called: run a declared tool, or a kernel operation. */
export type FunctionOp = 'tool' | 'send' | 'recv' | 'write' | 'read' | 'finish' | 'spawn';

/** A function offered to the model (plain data; the provider layer turns it into its wire's tool definition). */
export interface FunctionDef {
  /** The name the model calls (letters, digits, `_` and `-`: what both wires accept). */
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
  op: FunctionOp;
  /** For `tool`: the tool id the call names. */
  tool?: string;
}

import { MAX_NESTING, nestsDeeperThan } from '../spec/structure';

/**
 * Why a model's call could not become an action. `too-deep` and `too-large`: its arguments
 * broke the limits every call is held to (see {@link parseCallArguments}).
 */
export type CallErrorCode = 'unknown-function' | 'invalid-json' | 'bad-arguments' | 'too-deep' | 'too-large';

/** A malformed call, recorded and sent back to the model (as a tool error) on its next turn. */
export interface CallError {
  code: CallErrorCode;
  /** The function name the model used. */
  name: string;
  /** What is wrong, addressed to the model. */
  message: string;
}

/**
 * The most JSON text a model's call may carry as its arguments: 1,000,000 characters. Far more
 * than any tool's arguments need; a longer call would fill the trace and the agent's window.
 */
export const MAX_CALL_ARGUMENT_CHARS = 1_000_000;

/** How much of an over-limit call's text is kept (trace, window): enough to see what it was. */
const EXCERPT_CHARS = 200;

/** A model's call arguments, parsed: the object, or why not (with the text to keep of them). */
export type ParsedCallArguments =
  | { ok: true; args: Record<string, unknown> }
  | { ok: false; code: 'invalid-json' | 'too-deep' | 'too-large'; error: string; argumentsJson: string };

/**
 * Parses the arguments a model sent with a call (JSON text; empty means `{}`), holding them to
 * the document's limits: at most MAX_CALL_ARGUMENT_CHARS characters and {@link MAX_NESTING}
 * levels of nesting, the limit a document's own tool arguments have. Never throws, never
 * recurses: over-deep or over-large arguments are a typed answer (`argumentsJson` is then an
 * excerpt), which the kernel sends back to the model as a malformed call.
 */
export function parseCallArguments(argumentsJson: string): ParsedCallArguments {
  const excerpt = (): string => `${argumentsJson.slice(0, EXCERPT_CHARS)}… (${argumentsJson.length} characters in all)`;
  if (argumentsJson.length > MAX_CALL_ARGUMENT_CHARS) {
    return { ok: false, code: 'too-large', argumentsJson: excerpt(), error: `are ${argumentsJson.length} characters of JSON, more than the limit of ${MAX_CALL_ARGUMENT_CHARS}` };
  }
  const text = argumentsJson.trim() === '' ? '{}' : argumentsJson;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { ok: false, code: 'invalid-json', argumentsJson, error: `arguments are not valid JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { ok: false, code: 'invalid-json', argumentsJson, error: `arguments must be a JSON object, got ${Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : typeof parsed}` };
  }
  if (nestsDeeperThan(parsed, MAX_NESTING)) return tooDeepArguments(argumentsJson.length > EXCERPT_CHARS ? excerpt() : argumentsJson);
  return { ok: true, args: parsed as Record<string, unknown> };
}

/**
 * The answer for arguments nested deeper than {@link MAX_NESTING} levels, keeping `kept` as their
 * text (an excerpt, or a note when a wire delivered them already parsed and they cannot be copied).
 */
export function tooDeepArguments(kept: string): Extract<ParsedCallArguments, { ok: false }> {
  return { ok: false, code: 'too-deep', argumentsJson: kept, error: `nest deeper than ${MAX_NESTING} levels of objects and arrays (the limit)` };
}

/** Names of the kernel operations; a declared tool with one of these ids is offered as `tool_<id>`. */
export const KERNEL_FUNCTIONS = Object.freeze(['send_message', 'receive_message', 'write_artifact', 'read_reference', 'read_proc', 'finish'] as const);

/** The line a malformed call puts in the agent's window (a tool-role segment from `kernel`). */
export function callErrorText(e: CallError): string {
  return `error (${e.code}) in your call of ${e.name}: ${e.message}`;
}
