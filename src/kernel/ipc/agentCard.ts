/**
 * Agent Cards (A2A 1.0 §Agent Discovery; REFERENCES §4.1): one per agent of a harness,
 * generated from the harness spec, served at `/.well-known/agent-card.json` or exported as
 * `agent-card.json`. The types follow the `AgentCard` of @a2a-js/sdk 1.3.0 field for field
 * (the tests check it), so a card is also a valid SDK object; JSON leaves out what is undefined.
 */
import { HUMAN, type HarnessSpec } from '../spec';
import { canonicalJson } from './canonicalJson';

/** Where and how the agent is reached. */
export interface AgentInterface {
  url: string;
  /** `JSONRPC`, `GRPC` or `HTTP+JSON`. */
  protocolBinding: string;
  /** Empty: no tenant. */
  tenant: string;
  protocolVersion: string;
}

/** A protocol extension the agent supports (the kernel declares none). */
export interface AgentExtension {
  uri: string;
  description: string;
  required: boolean;
  params: { [key: string]: unknown } | undefined;
}

/** Optional protocol features. The kernel's agents answer synchronously: no streaming, no push. */
export interface AgentCapabilities {
  streaming?: boolean | undefined;
  pushNotifications?: boolean | undefined;
  extensions: AgentExtension[];
  extendedAgentCard?: boolean | undefined;
}

/** The organisation behind an agent. */
export interface AgentProvider {
  url: string;
  organization: string;
}

/** Named security requirements: scheme name → required scopes (the kernel sets none). */
export interface SecurityRequirement {
  schemes: { [key: string]: { list: string[] } };
}

/** Something the agent is good at; modes left empty fall back to the card's defaults. */
export interface AgentSkill {
  id: string;
  name: string;
  description: string;
  tags: string[];
  examples: string[];
  inputModes: string[];
  outputModes: string[];
  securityRequirements: SecurityRequirement[];
}

/** A JWS over the card (RFC 7515 JSON form); the kernel does not sign cards. */
export interface AgentCardSignature {
  protected: string;
  signature: string;
  header: { [key: string]: unknown } | undefined;
}

/**
 * An A2A 1.0 Agent Card. `securitySchemes` is always empty here: harness agents run inside
 * the studio and declare no authentication.
 */
export interface AgentCard {
  name: string;
  description: string;
  /** Ordered; the first is preferred. */
  supportedInterfaces: AgentInterface[];
  provider: AgentProvider | undefined;
  version: string;
  documentationUrl?: string | undefined;
  capabilities: AgentCapabilities | undefined;
  securitySchemes: { [key: string]: never };
  securityRequirements: SecurityRequirement[];
  defaultInputModes: string[];
  defaultOutputModes: string[];
  skills: AgentSkill[];
  signatures: AgentCardSignature[];
  iconUrl?: string | undefined;
}

/** Options for `agentCard`. */
export interface AgentCardOptions {
  /** Origin the agents are served from; default `https://harness.local`. */
  baseUrl?: string;
}

/** The media types every harness agent reads and writes. */
export const AGENT_MODES: readonly string[] = Object.freeze(['text/plain', 'application/json']);

function skill(id: string, name: string, description: string, tags: string[]): AgentSkill {
  return { id, name, description, tags, examples: [], inputModes: [], outputModes: [], securityRequirements: [] };
}

/**
 * The Agent Card of agent `agentId`: its name and description, the harness version, one
 * JSON-RPC interface at `${baseUrl}/a2a/<agentId>`, and skills in spec order: one per tool it
 * holds a capability on (`tool.<id>`), then one per agent its channels reach (`delegate.<id>`;
 * several channels to one agent make one skill; a channel to the human makes none). Throws RangeError for an unknown agent id.
 */
export function agentCard(spec: HarnessSpec, agentId: string, opts: AgentCardOptions = {}): AgentCard {
  const agent = spec.agents.find((a) => a.id === agentId);
  if (agent === undefined) throw new RangeError(`no agent "${agentId}" in harness "${spec.name}"`);
  const base = (opts.baseUrl ?? 'https://harness.local').replace(/\/+$/, '');
  const skills: AgentSkill[] = [];
  for (const cap of agent.capabilities) {
    const tool = spec.tools.find((t) => t.id === cap.target);
    if (tool === undefined || skills.some((s) => s.id === `tool.${tool.id}`)) continue;
    const description = tool.description || `Calls the ${tool.name} tool.`;
    skills.push(skill(`tool.${tool.id}`, tool.name, description, ['tool', tool.id, `side-effect:${tool.sideEffect}`]));
  }
  const reached = new Map<string, Set<string>>();
  for (const ch of spec.channels) {
    // A channel to the person is how the agent answers its caller, not work it hands on.
    if (ch.from !== agentId || ch.to === HUMAN) continue;
    reached.set(ch.to, (reached.get(ch.to) ?? new Set<string>()).add(ch.kind));
  }
  for (const [to, kinds] of reached) {
    const target = spec.agents.find((a) => a.id === to);
    const name = target?.name ?? to;
    const description = target?.description ? `Hands work to ${name}: ${target.description}` : `Hands work to ${name}.`;
    skills.push(skill(`delegate.${to}`, `Delegate to ${name}`, description, ['delegate', to, ...[...kinds].sort().map((k) => `channel:${k}`)]));
  }
  return {
    name: agent.name,
    description: agent.description || `${agent.name}, an agent of the harness "${spec.name}".`,
    supportedInterfaces: [{ url: `${base}/a2a/${encodeURIComponent(agentId)}`, protocolBinding: 'JSONRPC', tenant: '', protocolVersion: '1.0' }],
    provider: undefined,
    version: String(spec.version),
    capabilities: { streaming: false, pushNotifications: false, extensions: [], extendedAgentCard: false },
    securitySchemes: {},
    securityRequirements: [],
    defaultInputModes: [...AGENT_MODES],
    defaultOutputModes: [...AGENT_MODES],
    skills,
    signatures: [],
  };
}

/** The card as `agent-card.json`: canonical (sorted keys), two-space indented, newline-terminated. */
export function agentCardJson(card: AgentCard): string {
  return `${canonicalJson(card, 2)}\n`;
}
