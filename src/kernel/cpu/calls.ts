/**
 * The shapes of a real model's calls as the kernel records them: the functions it is offered
 * and the typed error a call that does not map to an action becomes (built in loop/functions.ts).
 */
/** What a function does when called: run a declared tool, or a kernel operation. */
export type FunctionOp = 'tool' | 'send' | 'recv' | 'write' | 'read' | 'finish';

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

/** Why a model's call could not become an action. */
export type CallErrorCode = 'unknown-function' | 'invalid-json' | 'bad-arguments';

/** A malformed call, recorded and sent back to the model (as a tool error) on its next turn. */
export interface CallError {
  code: CallErrorCode;
  /** The function name the model used. */
  name: string;
  /** What is wrong, addressed to the model. */
  message: string;
}

/** Names of the kernel operations; a declared tool with one of these ids is offered as `tool_<id>`. */
export const KERNEL_FUNCTIONS = Object.freeze(['send_message', 'receive_message', 'write_artifact', 'read_reference', 'finish'] as const);

/** The line a malformed call puts in the agent's window (a tool-role segment from `kernel`). */
export function callErrorText(e: CallError): string {
  return `error (${e.code}) in your call of ${e.name}: ${e.message}`;
}
