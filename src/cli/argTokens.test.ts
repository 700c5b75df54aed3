import { describe, expect, it } from 'vitest';
import { argTokens } from './argTokens';

function read(args: string[], takesValue: Set<string>): Array<[string, string | undefined]> {
  const out: Array<[string, string | undefined]> = [];
  for (const t of argTokens(args)) out.push([t.flag, takesValue.has(t.flag) ? t.value() : t.inline]);
  return out;
}

describe('argTokens', () => {
  it('reads --name value and --name=value the same way', () => {
    const flags = new Set(['--seed', '--out']);
    expect(read(['--seed', '3', 'file.json', '--out=a.jsonl'], flags)).toEqual([
      ['--seed', '3'],
      ['file.json', undefined],
      ['--out', 'a.jsonl'],
    ]);
  });

  it('a value read consumes the next argument; a flag without one gets undefined', () => {
    expect(read(['--seed'], new Set(['--seed']))).toEqual([['--seed', undefined]]);
    expect(read(['--json=x', 'f'], new Set())).toEqual([['--json', 'x'], ['f', undefined]]);
  });

  it('valueOrEmpty refuses a following flag as the value', () => {
    const seen: string[] = [];
    for (const t of argTokens(['--model', '--json'])) seen.push(t.flag === '--model' ? `model=${JSON.stringify(t.valueOrEmpty())}` : t.flag);
    expect(seen).toEqual(['model=""']);
  });

  it('keeps an = inside a value and leaves single-dash arguments whole', () => {
    expect(read(['--base-url=m=http://x', '-'], new Set(['--base-url']))).toEqual([
      ['--base-url', 'm=http://x'],
      ['-', undefined],
    ]);
  });
});
