import { describe, expect, it } from 'vitest';
import type { AgentCapabilities as SdkAgentCapabilities, AgentCard as SdkAgentCard, AgentInterface as SdkAgentInterface, AgentSkill as SdkAgentSkill } from '@a2a-js/sdk';
import { parseHarness, type HarnessSpec } from '../spec';
import { agentCard, agentCardJson, type AgentCapabilities, type AgentCard, type AgentInterface, type AgentSkill } from './agentCard';
import type { Equal, Expect, Extends } from './sdkWire.test';

/** Field for field: same keys as the SDK type, and assignable to it. */
export type CardConformance = [
  Expect<Equal<keyof AgentCard, keyof SdkAgentCard>>,
  Expect<Extends<AgentCard, SdkAgentCard>>,
  Expect<Equal<keyof AgentSkill, keyof SdkAgentSkill>>,
  Expect<Equal<keyof AgentInterface, keyof SdkAgentInterface>>,
  Expect<Equal<keyof AgentCapabilities, keyof SdkAgentCapabilities>>,
];

function harness(): HarnessSpec {
  const parsed = parseHarness({
    version: 1,
    name: 'Procurement',
    models: [{ id: 'm', name: 'Sim' }],
    agents: [
      {
        id: 'buyer',
        name: 'Buyer',
        description: 'Finds a vendor within budget.',
        model: 'm',
        capabilities: [{ target: 'search' }, { target: 'po' }, { target: 'catalog', access: 'read' }, { target: 'search' }],
      },
      { id: 'approver', name: 'Approver', description: 'Signs off purchase orders.', model: 'm' },
      { id: 'clerk', name: 'Clerk', model: 'm' },
    ],
    tools: [
      { id: 'search', name: 'Vendor search', description: 'Searches the vendor catalog.', sideEffect: 'read', impl: { kind: 'search', store: 'catalog' } },
      { id: 'po', name: 'Purchase order', sideEffect: 'privileged' },
    ],
    stores: [{ id: 'catalog', name: 'Catalog' }],
    channels: [
      { id: 'c1', from: 'buyer', to: 'approver', kind: 'delegate' },
      { id: 'c2', from: 'buyer', to: 'clerk' },
      { id: 'c3', from: 'buyer', to: 'approver' },
      { id: 'c4', from: 'approver', to: 'buyer' },
      // The person is no agent to delegate to: no skill.
      { id: 'c5', from: 'clerk', to: 'human' },
    ],
  });
  if (!parsed.ok) throw new Error(parsed.issues.map((i) => i.message).join('\n'));
  return parsed.spec;
}

describe('agentCard', () => {
  const spec = harness();

  it('generates an A2A 1.0 card the SDK accepts as an AgentCard', () => {
    const card = agentCard(spec, 'buyer') satisfies SdkAgentCard;
    expect(card).toEqual({
      name: 'Buyer',
      description: 'Finds a vendor within budget.',
      supportedInterfaces: [{ url: 'https://harness.local/a2a/buyer', protocolBinding: 'JSONRPC', tenant: '', protocolVersion: '1.0' }],
      provider: undefined,
      version: '1',
      capabilities: { streaming: false, pushNotifications: false, extensions: [], extendedAgentCard: false },
      securitySchemes: {},
      securityRequirements: [],
      defaultInputModes: ['text/plain', 'application/json'],
      defaultOutputModes: ['text/plain', 'application/json'],
      skills: [
        { id: 'tool.search', name: 'Vendor search', description: 'Searches the vendor catalog.', tags: ['tool', 'search', 'side-effect:read'], examples: [], inputModes: [], outputModes: [], securityRequirements: [] },
        { id: 'tool.po', name: 'Purchase order', description: 'Calls the Purchase order tool.', tags: ['tool', 'po', 'side-effect:privileged'], examples: [], inputModes: [], outputModes: [], securityRequirements: [] },
        {
          id: 'delegate.approver',
          name: 'Delegate to Approver',
          description: 'Hands work to Approver: Signs off purchase orders.',
          tags: ['delegate', 'approver', 'channel:delegate', 'channel:message'],
          examples: [],
          inputModes: [],
          outputModes: [],
          securityRequirements: [],
        },
        { id: 'delegate.clerk', name: 'Delegate to Clerk', description: 'Hands work to Clerk.', tags: ['delegate', 'clerk', 'channel:message'], examples: [], inputModes: [], outputModes: [], securityRequirements: [] },
      ],
      signatures: [],
    });
  });

  it('has one skill per tool capability and per channel target: stores, duplicates and the human make none', () => {
    const ids = agentCard(spec, 'buyer').skills.map((s) => s.id);
    expect(ids).toEqual(['tool.search', 'tool.po', 'delegate.approver', 'delegate.clerk']);
    expect(new Set(ids).size).toBe(ids.length);
    expect(agentCard(spec, 'approver').skills.map((s) => s.id)).toEqual(['delegate.buyer']);
    expect(agentCard(spec, 'clerk').skills).toEqual([]);
  });

  it('falls back to a description naming the harness, and honours baseUrl', () => {
    const card = agentCard(spec, 'clerk', { baseUrl: 'http://127.0.0.1:5173/' });
    expect(card.description).toBe('Clerk, an agent of the harness "Procurement".');
    expect(card.supportedInterfaces[0]!.url).toBe('http://127.0.0.1:5173/a2a/clerk');
  });

  it('refuses an agent the harness does not have', () => {
    expect(() => agentCard(spec, 'ghost')).toThrow(new RangeError('no agent "ghost" in harness "Procurement"'));
  });

  it('exports agent-card.json: stable, sorted, undefined left out, read back equal', () => {
    const card = agentCard(spec, 'approver');
    const text = agentCardJson(card);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toBe(agentCardJson(JSON.parse(text) as AgentCard));
    expect(text).not.toContain('provider');
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(card)));
    const keys = Object.keys(JSON.parse(text) as object);
    expect(keys).toEqual([...keys].sort());
    expect(text.split('\n').slice(0, 3)).toEqual(['{', '  "capabilities": {', '    "extendedAgentCard": false,']);
  });
});
