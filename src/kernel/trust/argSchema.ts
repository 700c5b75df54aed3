/**
 * The API membrane for every agent (#17): a tool call's arguments are checked against the tool's
 * declared JSON Schema (or a built-in's, execOnly.ts BUILTIN_ARG_SCHEMAS) before any permission
 * module sees the call. Execute-only agents had this check as a policy module; here it is the
 * kernel's own refusal, so a scripted or real agent that sends `{ to: 3 }` to a tool declaring
 * `to: string` gets the validator's `where: what` back as its tool result, whatever its rules say.
 */
import type { ToolSpec } from '../spec';
import { BUILTIN_ARG_SCHEMAS, validateArgs } from './execOnly';

/** The argument schema a call is checked against: the declared tool's, else the built-in's, else none. */
export function argSchemaOf(tool: string, spec: Pick<ToolSpec, 'args'> | undefined): unknown {
  if (spec) return spec.args;
  return Object.hasOwn(BUILTIN_ARG_SCHEMAS, tool) ? BUILTIN_ARG_SCHEMAS[tool] : undefined;
}

/**
 * Why a call's arguments are refused (`$.to: expected string, found number; …`), or null when they
 * validate or the tool declares no schema. Pure; the compiled validator is cached per schema object.
 */
export function argSchemaProblem(tool: string, spec: Pick<ToolSpec, 'args'> | undefined, args: unknown): string | null {
  const schema = argSchemaOf(tool, spec);
  if (schema === undefined) return null;
  const r = validateArgs(schema, args);
  return r.ok ? null : `the arguments of ${tool} do not match its schema: ${r.errors.join('; ')}`;
}
