/**
 * The asks still open at the head of a run come from the kernel state itself (the run
 * projection keeps it with the kernel's own reducer: `openAsks` in the store), never from a
 * second reading of the trace. What is left here is how the prompt shows a call's arguments.
 */

/** The arguments of a call as indented JSON text (rendered as text, never as HTML); never throws. */
export function argsText(args: Readonly<Record<string, unknown>>): string {
  try {
    return JSON.stringify(args, null, 2) ?? '{}';
  } catch {
    return '?';
  }
}
