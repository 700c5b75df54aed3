/**
 * What a signature covers. The studio signs, when a document is saved, the SHA-256 digest of a
 * canonical payload per agent (its id and system prompt) and one of the policy; the kernel
 * recomputes these digests at job creation and on each turn and compares them with the ones
 * whose signatures checked out. Digests are taken over the parsed spec (defaults filled in), so
 * writing a default explicitly does not change them.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { AgentSpec, HarnessSpec, PolicySpec } from '../spec';

/**
 * Deterministic JSON: object keys sorted (UTF-16 code unit order), no whitespace, arrays in
 * order, undefined (and function) members dropped as JSON.stringify drops them. Throws on cycles.
 */
export function canonicalJson(v: unknown): string {
  const seen: object[] = [];
  const write = (x: unknown): string | undefined => {
    if (x === undefined || typeof x === 'function' || typeof x === 'symbol') return undefined;
    if (x === null || typeof x !== 'object') return JSON.stringify(x);
    if (seen.includes(x)) throw new TypeError('canonicalJson: the value contains a cycle');
    seen.push(x);
    let out: string;
    if (Array.isArray(x)) {
      out = `[${x.map((item) => write(item) ?? 'null').join(',')}]`;
    } else {
      const members: string[] = [];
      for (const key of Object.keys(x).sort()) {
        const value = write((x as Record<string, unknown>)[key]);
        if (value !== undefined) members.push(`${JSON.stringify(key)}:${value}`);
      }
      out = `{${members.join(',')}}`;
    }
    seen.pop();
    return out;
  };
  return write(v) ?? 'null';
}

/** SHA-256 of the text's UTF-8 bytes, as 64 lowercase hex digits. */
export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

/**
 * An agent's signed payload: its id and system prompt (what it is told to be and do), and the
 * core blocks marked `identity` (label and value, in order). Without identity blocks the payload
 * is as it always was, so documents signed before keep verifying.
 */
export function agentPayload(agent: AgentSpec): string {
  const identity = (agent.memory?.coreBlocks ?? []).filter((b) => b.identity === true).map((b) => ({ label: b.label, value: b.value }));
  return canonicalJson(identity.length > 0 ? { id: agent.id, systemPrompt: agent.systemPrompt, identity } : { id: agent.id, systemPrompt: agent.systemPrompt });
}

/** The policy's signed payload: the whole policy object (mode, scopes and rules, taint, requireSigned). */
export function policyPayload(policy: PolicySpec): string {
  return canonicalJson(policy);
}

/** The digests a signature would cover for this spec: one per agent id, and the policy's. */
export function specDigests(spec: HarnessSpec): { agents: Record<string, string>; policy: string } {
  const agents: Record<string, string> = {};
  for (const a of spec.agents) agents[a.id] = sha256Hex(agentPayload(a));
  return { agents, policy: sha256Hex(policyPayload(spec.policy)) };
}
