/**
 * The command line read one flag at a time. Every command (`run`, `serve`, `experiment`,
 * `worker`, `inject`) takes `--name value` and `--name=value` alike; this is the one place that
 * splits them, so the two spellings cannot drift apart between commands.
 */

/** One argument as a flag: the flag's name, a value written inline, and a reader for its value. */
export interface ArgToken {
  /** The argument as typed. */
  readonly arg: string;
  /** `--name` for `--name=value`, otherwise the argument itself. */
  readonly flag: string;
  /** The value after `=`, when written inline. */
  readonly inline: string | undefined;
  /** The flag's value: the inline one, or else the next argument (which it consumes). */
  value(): string | undefined;
  /** Like `value()`, but '' when there is none or the next argument is another flag. */
  valueOrEmpty(): string;
}

/** Walks `args`; a token's `value()` consumes the following argument when the value is not inline. */
export function* argTokens(args: readonly string[]): Generator<ArgToken> {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string | undefined => (inline !== undefined ? inline : args[++i]);
    yield {
      arg,
      flag: eq > 0 ? arg.slice(0, eq) : arg,
      inline,
      value,
      valueOrEmpty: () => {
        const v = value();
        return v === undefined || v.startsWith('--') ? '' : v;
      },
    };
  }
}
