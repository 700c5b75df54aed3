/**
 * How the inspector shows a field the document leaves out: the schema's default (specDefaults
 * from the kernel), never a number typed here, so the form cannot disagree with the run.
 */

/** A default as a field's placeholder. */
export const placeholderOf = (value: number | string): string => String(value);

/** The empty choice of a select whose field has a default: `lru (default)`. */
export const defaultChoice = (value: string): string => `${value} (default)`;
