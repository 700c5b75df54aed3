import { parseMatcher } from '../../kernel';

/** Why `match` is not a rule matcher (`Tool` or `Tool(specifier)`), in the engine's own words; null when it parses. */
export function matcherError(match: string): string | null {
  const parsed = parseMatcher(match);
  return parsed.ok ? null : parsed.error;
}
