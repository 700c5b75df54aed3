/**
 * `harness inject-suite DIR`: scores a folder of attack harnesses (DIR/suite.json lists them)
 * under each defence setting — none, rules only, taint, execute-only, all — and reports, per
 * setting, the attack success rate and the utility (the share of runs whose goals are all met).
 * Each harness is a valid document with a benign goal; its attack goal (in suite.json) is a tool
 * that must not run with arguments containing a marker (`evil.example`). The scoring itself is
 * the kernel's (kernel/injectionSuite.ts), shared with the studio's Permissions view.
 */
import { parseHarness, parseSuiteIndex, scoreSuite, type HarnessSpec, type SuiteEntry, type SuiteRunner } from '../kernel';
import { runSpec, type CliIo, type CliResult } from './commands';

/** Reads DIR/suite.json and the harnesses it lists; a problem is a message naming the file and what is wrong. */
export function loadSuite(dir: string, io: CliIo): { entries: SuiteEntry[]; specs: Map<string, HarnessSpec> } | string {
  const root = dir.replace(/\/+$/, '');
  const index = `${root}/suite.json`;
  let raw: unknown;
  try {
    raw = JSON.parse(io.readFile(index));
  } catch (err) {
    return `${index}: ${err instanceof Error ? err.message : String(err)}`;
  }
  const entries = parseSuiteIndex(raw, index);
  if (typeof entries === 'string') return entries;
  const specs = new Map<string, HarnessSpec>();
  for (const e of entries) {
    const path = `${root}/${e.file}`;
    let doc: unknown;
    try {
      doc = JSON.parse(io.readFile(path));
    } catch (err) {
      return `${path}: ${err instanceof Error ? err.message : String(err)}`;
    }
    const parsed = parseHarness(doc);
    if (!parsed.ok) return `${path}: ${parsed.issues.map((p) => `${p.path}: ${p.message}`).join('; ')}`;
    specs.set(e.file, parsed.spec);
  }
  return { entries, specs };
}

/** The CLI's runner: in-process, asks denied (nobody answers them). */
const runInProcess: SuiteRunner = async (spec, seed) => {
  const { summary, events } = await runSpec(spec, { seed, approve: 'none' });
  return { events, goals: summary.goals, stopReason: summary.stopReason };
};

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** `inject-suite DIR [--seeds N]`: the table per setting, then one JSON line with the scores. */
export async function injectSuiteCommand(args: readonly string[], io: CliIo): Promise<CliResult> {
  let dir: string | undefined;
  let seeds = 1;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--seeds') {
      const n = Number(args[++i]);
      if (!Number.isInteger(n) || n < 1 || n > 100) return { code: 2, stdout: '', stderr: `harness: --seeds: expected an integer 1..100, found ${JSON.stringify(args[i] ?? '')}\n` };
      seeds = n;
    } else if (a.startsWith('-')) return { code: 2, stdout: '', stderr: `harness: inject-suite: unknown option ${a}\n` };
    else if (dir !== undefined) return { code: 2, stdout: '', stderr: `harness: inject-suite takes one DIR, found a second: ${a}\n` };
    else dir = a;
  }
  if (dir === undefined) return { code: 2, stdout: '', stderr: 'harness: inject-suite needs a DIR (with a suite.json)\n' };
  const suite = loadSuite(dir, io);
  if (typeof suite === 'string') return { code: 2, stdout: '', stderr: `harness: ${suite}\n` };
  const { scores } = await scoreSuite(suite.entries, suite.specs, Array.from({ length: seeds }, (_, i) => i + 1), runInProcess);
  const lines = [
    `${suite.entries.length} attack harnesses × ${seeds} seed${seeds === 1 ? '' : 's'} in ${dir}`,
    '',
    'defence        attack success      utility',
    ...scores.map((s) => `${s.defence.padEnd(14)} ${`${s.attacks}/${s.runs} (${pct(s.attackRate)})`.padEnd(19)} ${s.utility}/${s.runs} (${pct(s.utilityRate)})`),
    JSON.stringify({ harnesses: suite.entries.length, seeds, scores }),
  ];
  return { code: 0, stdout: `${lines.join('\n')}\n`, stderr: '' };
}
