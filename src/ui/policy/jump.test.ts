import { describe, expect, it } from 'vitest';
import { jumpTargetFor } from './jump';

describe('jumpTargetFor', () => {
  it('sends a document rule to its rule node', () => {
    expect(jumpTargetFor('deny-mail', 'writer', 'send_mail')).toEqual({ kind: 'rule', id: 'deny-mail' });
    expect(jumpTargetFor('fs.write-workspace', 'writer', 'fs.write')).toEqual({ kind: 'rule', id: 'fs.write-workspace' });
  });

  it('sends a capability decision to the edge it names', () => {
    expect(jumpTargetFor('capability:researcher->web_search', 'researcher', 'web_search')).toEqual({ kind: 'capability', agent: 'researcher', target: 'web_search' });
    // The rule names the edge even when the row's tool differs (a store reached through a tool).
    expect(jumpTargetFor('capability:a->notes', 'a', 'archive_insert')).toEqual({ kind: 'capability', agent: 'a', target: 'notes' });
  });

  it('sends what the agent holds (handles, tiers, execute-only, own memory) to the agent → tool edge', () => {
    expect(jumpTargetFor('channel:planner->writer', 'planner', 'send')).toEqual({ kind: 'capability', agent: 'planner', target: 'writer' });
    for (const rule of ['handle:h1', 'tier:platform', 'execute-only', 'own-memory', 'channel:plan-to-write']) {
      expect(jumpTargetFor(rule, 'researcher', 'web_search')).toEqual({ kind: 'capability', agent: 'researcher', target: 'web_search' });
    }
  });

  it('sends the mode, the taint defence and signature checks to the header', () => {
    for (const rule of ['mode:auto', 'mode:deny-unlisted', 'taint', 'signature', '']) {
      expect(jumpTargetFor(rule, 'researcher', 'web_search')).toEqual({ kind: 'mode' });
    }
  });
});
