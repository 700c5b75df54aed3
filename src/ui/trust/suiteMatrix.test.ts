import { describe, expect, it } from 'vitest';
import type { SuiteReport } from '../../bridge/api';
import { suiteMatrix } from './suiteMatrix';

const entry = (file: string, carrier: string) => ({ file, carrier, sink: 'mail', hop: 'direct', attack: { tool: 'send_mail', contains: 'evil.example' } });

describe('suiteMatrix', () => {
  it('counts each harness under each defence over its seeds, in suite.json order; a setting not run has no cell', () => {
    const report: SuiteReport = {
      entries: [entry('b.json', 'web-page'), entry('a.json', 'tool-result')],
      seeds: 2,
      cpu: 'sim',
      cancelled: true,
      scores: [],
      results: [
        { file: 'a.json', defence: 'none', attack: true, utility: true, stopReason: 'completed' },
        { file: 'a.json', defence: 'none', attack: false, utility: true, stopReason: 'completed' },
        { file: 'b.json', defence: 'none', attack: true, utility: false, stopReason: 'goals-unmet' },
        { file: 'b.json', defence: 'all', attack: false, utility: true, stopReason: 'completed' },
      ],
    };
    const rows = suiteMatrix(report);
    expect(rows.map((r) => `${r.carrier} · ${r.sink} · ${r.hop}`)).toEqual(['web-page · mail · direct', 'tool-result · mail · direct']);
    expect(rows[1]!.cells.none).toEqual({ runs: 2, attacks: 1, utility: 2 });
    expect(rows[0]!.cells).toEqual({ none: { runs: 1, attacks: 1, utility: 0 }, all: { runs: 1, attacks: 0, utility: 1 } });
    expect(rows[1]!.cells.all).toBeUndefined();
  });
});
