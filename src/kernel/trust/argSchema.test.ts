/**
 * The API membrane for every agent: a call whose arguments do not match the tool's schema is
 * refused by the kernel before any permission module, and the agent reads where and what.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHarness, type HarnessSpec } from '../spec';
import { TestKernel } from '../test/TestKernel';
import type { EventOf, KernelEvent } from '../trace/events';
import { argSchemaProblem } from './argSchema';

function injection(edit: (doc: Record<string, any>) => void): HarnessSpec {
  const doc = JSON.parse(readFileSync(new URL('../../../public/examples/injection.json', import.meta.url), 'utf8')) as Record<string, any>;
  edit(doc);
  const r = parseHarness(doc);
  if (!r.ok) throw new Error(r.issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  return r.spec;
}

const of = <T extends KernelEvent['type']>(events: readonly KernelEvent[], type: T) => events.filter((e): e is EventOf<T> => e.type === type);

describe('every call is validated against its tool schema', () => {
  it('refuses a non-execute-only agent\'s call whose arguments do not match, naming the path and what was expected', async () => {
    const spec = injection((d) => {
      expect(d.agents[0].executeOnly).toBeUndefined();
      // An allow rule that would match the call: the schema check still comes first.
      d.policy.scopes[1].rules.push({ id: 'mail-all', effect: 'allow', match: 'send_mail' });
      d.agents[0].behaviour = [{ op: 'call', tool: 'send_mail', args: { to: 42, body: 'hi' } }, { op: 'finish', text: 'done' }];
    });
    const t = await new TestKernel(spec).runToEnd();
    const denied = of(t.events(), 'tool.denied');
    expect(denied).toHaveLength(1);
    expect(denied[0]!.decision).toMatchObject({ effect: 'deny', module: 'kernel', rule: 'arg-schema', scope: 'kernel', code: 'schema' });
    expect(denied[0]!.decision.reason).toBe('the arguments of send_mail do not match its schema: $.to: expected string, found number');
    // The agent reads the validation error as the call's result.
    expect(t.state.procs.assistant!.context.some((s) => s.role === 'tool' && s.text.includes('$.to: expected string, found number'))).toBe(true);
    expect(of(t.events(), 'tool.allowed').filter((e) => e.tool === 'send_mail')).toHaveLength(0);
  });

  it('lets a matching call through to the permission check', async () => {
    const spec = injection((d) => {
      d.agents[0].behaviour = [{ op: 'call', tool: 'send_mail', args: { to: 'kim@company.example', body: 'hi' } }, { op: 'finish', text: 'done' }];
    });
    const t = await new TestKernel(spec).runToEnd();
    expect(of(t.events(), 'tool.allowed').find((e) => e.tool === 'send_mail')!.decision).toMatchObject({ rule: 'mail-colleagues' });
  });

  it('checks built-in calls against their built-in schemas, and passes tools without a schema', () => {
    expect(argSchemaProblem('core_memory_append', undefined, { label: 'persona' })).toBe('the arguments of core_memory_append do not match its schema: $: missing required property "text"');
    expect(argSchemaProblem('core_memory_append', undefined, { label: 'persona', text: 'x' })).toBeNull();
    expect(argSchemaProblem('read', undefined, { anything: 1 })).toBeNull();
    expect(argSchemaProblem('t', { args: { type: 'object', properties: {} } }, { anything: 1 })).toBeNull();
  });
});
