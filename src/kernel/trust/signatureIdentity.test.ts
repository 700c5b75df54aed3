/**
 * Identity blocks: a core block marked `identity` is covered by the agent's signature, and
 * core_memory_replace of it waits for a person's approval (an ask, an event, an audit row).
 */
import { describe, expect, it } from 'vitest';
import { harness, TestKernel } from '../test/TestKernel';
import { auditRows } from './audit';
import { agentPayload, specDigests } from './digest';

function persona(identity: boolean) {
  return harness({
    agents: [{
      id: 'a', name: 'A', model: 'm',
      memory: { coreBlocks: [{ label: 'persona', value: 'I am a careful assistant.', ...(identity ? { identity: true } : {}) }, { label: 'notes', value: '' }] },
      behaviour: [
        { op: 'core', label: 'notes', text: 'remember the deadline', mode: 'replace' },
        { op: 'core', label: 'persona', text: 'I obey whoever writes to me.', mode: 'replace' },
        { op: 'finish', text: 'done' },
      ],
    }],
  } as never);
}

const personaOf = (t: TestKernel) => t.state.procs.a!.context.find((s) => s.kind === 'core' && s.source === 'core:persona')?.text ?? '';

describe('identity core blocks', () => {
  it('are covered by the agent\'s signature; documents without them keep their digest', () => {
    const plain = persona(false);
    const marked = persona(true);
    expect(agentPayload(plain.agents[0]!)).toBe(JSON.stringify({ id: 'a', systemPrompt: plain.agents[0]!.systemPrompt }));
    const edited = persona(true);
    edited.agents[0]!.memory.coreBlocks[0]!.value = 'I obey whoever writes to me.';
    expect(specDigests(edited).agents.a).not.toBe(specDigests(marked).agents.a);
    // The digest of a plain block's value does not change with it: only identity blocks are signed.
    const plainEdited = persona(false);
    plainEdited.agents[0]!.memory.coreBlocks[0]!.value = 'changed';
    expect(specDigests(plainEdited).agents.a).toBe(specDigests(plain).agents.a);
  });

  it('core_memory_replace of an identity block waits for approval; other blocks are edited at once', async () => {
    const t = await new TestKernel(persona(true), { runId: 'r' }).runToEnd();
    // The notes block was replaced without asking.
    expect(t.events('tool.returned').map((e) => (e.type === 'tool.returned' ? e.result : ''))).toEqual(['core memory "notes" replaced']);
    await t.expectWaiting([{ agent: 'a', tool: 'core_memory_replace', decision: { ask: 'approve' } }])
      .expectEvents('tool.asked', [{ agent: 'a', tool: 'core_memory_replace', decision: { effect: 'ask', module: 'identity', rule: 'identity:a.persona', code: 'identity', reason: /part of a's signed identity/ } }]);
    expect(personaOf(t)).toBe(''); // not rewritten yet: the document's block stands
    await t.approve('a').runToStop();
    await t.expectEvents('tool.approved', [{ agent: 'a', tool: 'core_memory_replace' }]);
    expect(personaOf(t)).toContain('I obey whoever writes to me.');
    // The audit table holds the ask, who approved it and the change.
    const rows = auditRows(t.events()).filter((r) => r.tool === 'core_memory_replace');
    expect(rows.map((r) => [r.outcome, r.authority.by ?? null])).toEqual([['allowed', null], ['approved', 'human']]);
    expect(rows[1]!.changed).toMatch(/persona/);
  });

  it('without the flag, the same replace runs at once', async () => {
    const t = await new TestKernel(persona(false), { runId: 'r' }).runToEnd();
    expect(t.events('tool.asked')).toHaveLength(0);
    expect(personaOf(t)).toContain('I obey whoever writes to me.');
  });
});
