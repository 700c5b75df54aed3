/**
 * What the inspector shows for a field the document leaves out must be what the run gets: each
 * form is rendered for a document that sets nothing optional, and every placeholder and
 * "(default)" choice is compared with what the kernel's parser filled in for that document.
 */
import { renderToStaticMarkup } from 'react-dom/server';
import type { ReactElement } from 'react';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseHarness, retryPolicyOf, storeTier, type HarnessSpec } from '../../../kernel';
import { useStudio } from '../../../store';
import { COLLECTION, type EntityKind, type Rec } from '../docModel';
import { AgentForm } from './AgentForm';
import { DocumentForm } from './DocumentForm';
import { MemorySection, StoreDocuments } from './MemoryForms';
import { ChannelForm, ModelForm, StoreForm, ToolForm, withLimit } from './ResourceForms';
import type { EntityEdit } from './useEntityEdit';

/** Only what the schema requires: every other field is the schema's default. */
const BARE = {
  version: 1,
  name: 'bare',
  models: [{ id: 'm', name: 'M' }],
  agents: [{ id: 'a', name: 'A', model: 'm', memory: { coreBlocks: [{ label: 'persona' }] }, capabilities: [{ target: 't' }] }],
  tools: [{ id: 't', name: 'T' }],
  stores: [
    { id: 's', name: 'S', documents: [{ text: 'a fact' }] },
    { id: 'k', name: 'K', kind: 'knowledge' },
  ],
  channels: [{ id: 'c', from: 'a', to: 'human' }],
};

let spec: HarnessSpec;
beforeAll(() => {
  const parsed = parseHarness(BARE);
  if (!parsed.ok) throw new Error(`the bare document must be valid: ${JSON.stringify(parsed.issues)}`);
  spec = parsed.spec;
  // Server rendering reads the store's initial state (this file's own store instance).
  Object.assign(useStudio.getInitialState(), { doc: BARE, issues: [] });
});

function edit(kind: EntityKind, index = 0): EntityEdit {
  const value = (BARE as unknown as Record<string, Rec[]>)[COLLECTION[kind]]![index]!;
  return { entity: { kind, index, id: String(value.id), value }, issues: [], at: () => [], set: () => {} };
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** What the field labelled `label` shows when empty: its placeholder, or its select's empty choice. */
function shown(html: string, label: string): string | undefined {
  const m = new RegExp(`<label class="hs-field__label" for="([^"]+)">${escapeRe(label)}(?:<span|</label>)`).exec(html);
  if (!m) throw new Error(`no field labelled "${label}"`);
  const tag = new RegExp(`<(input|select|textarea)[^>]*\\bid="${escapeRe(m[1]!)}"[^>]*>`).exec(html);
  if (!tag) throw new Error(`no control for "${label}"`);
  if (tag[1] === 'select') {
    const body = html.slice(tag.index, html.indexOf('</select>', tag.index));
    const first = /<option value=""[^>]*>([^<]*)<\/option>/.exec(body);
    return first ? unescape(first[1]!) : undefined;
  }
  const placeholder = /\bplaceholder="([^"]*)"/.exec(tag[0]);
  return placeholder ? unescape(placeholder[1]!) : undefined;
}

const render = (el: ReactElement) => renderToStaticMarkup(el);
const choice = (v: string) => `${v} (default)`;

describe("the inspector shows the schema's defaults", () => {
  it('model', () => {
    const html = render(<ModelForm edit={edit('model')} />);
    const m = spec.models[0]!;
    expect(shown(html, 'Provider')).toBe(choice(m.provider));
    expect(shown(html, 'Model')).toBe(m.model);
    expect(shown(html, 'Context window')).toBe(String(m.contextWindow));
    expect(shown(html, 'Slots')).toBe(String(m.slots));
    expect(shown(html, 'Price in')).toBe(String(m.priceIn));
    expect(shown(html, 'Price out')).toBe(String(m.priceOut));
    expect(shown(html, 'Quality')).toBe(String(m.quality));
    expect(shown(html, 'Speed')).toBe(String(m.tokensPerSecond));
    // Unset retry and limits: the kernel's retry policy, and no rate limit.
    expect(m.retry).toBeUndefined();
    expect(shown(html, 'Retries')).toBe(String(retryPolicyOf(m).maxRetries));
    expect(m.limits).toBeUndefined();
    expect(shown(html, 'Requests/min')).toBe('no limit');
    expect(shown(html, 'Tokens/min')).toBe('no limit');
  });

  it('model limits: one field set keeps the other, clearing both leaves no limits object', () => {
    expect(withLimit(undefined, 'rpm', 60)).toEqual({ rpm: 60 });
    expect(withLimit({ rpm: 60 }, 'tpm', 4000)).toEqual({ rpm: 60, tpm: 4000 });
    expect(withLimit({ rpm: 60, tpm: 4000 }, 'rpm', undefined)).toEqual({ tpm: 4000 });
    expect(withLimit({ tpm: 4000 }, 'tpm', undefined)).toBeUndefined();
  });

  it('tool', () => {
    const html = render(<ToolForm edit={edit('tool')} />);
    const t = spec.tools[0]!;
    expect(shown(html, 'Side effect')).toBe(choice(t.sideEffect));
    expect(shown(html, 'Tier')).toBe(choice(t.tier));
    expect(shown(html, 'Results')).toBe(choice(t.trust));
    expect(t.impl.kind).toBe('sim');
    expect(html).toContain(`<option value="${t.impl.kind}" selected="">`);
    expect(shown(html, 'Latency')).toBe(String(t.impl.latencyMs));
  });

  it('store, its tier by kind, and its documents', () => {
    for (const [index, store] of spec.stores.entries()) {
      const html = render(<StoreForm edit={edit('store', index)} />);
      expect(shown(html, 'Kind')).toBe(choice(spec.stores[0]!.kind));
      expect(shown(html, 'Tier')).toBe(choice(storeTier(store)));
    }
    const docs = render(<StoreDocuments edit={edit('store')} />);
    const d = spec.stores[0]!.documents[0]!;
    expect(shown(docs, 'Trust')).toBe(choice(d.trust));
    expect(docs).toContain(`data-valid="${d.valid}"`);
  });

  it('channel', () => {
    const html = render(<ChannelForm edit={edit('channel')} />);
    const c = spec.channels[0]!;
    expect(shown(html, 'Kind')).toBe(choice(c.kind));
    expect(shown(html, 'Latency')).toBe(String(c.latencyMs));
    // Trust has no default: unset, a message carries only its sources' labels, and the field says so.
    expect(c.trust).toBeUndefined();
    expect(shown(html, 'Trust')).toMatch(/^not set/);
  });

  it('agent and its memory', () => {
    const a = spec.agents[0]!;
    const html = render(<AgentForm edit={edit('agent')} />);
    expect(shown(html, 'Temperature')).toBe(String(a.temperature));
    expect(shown(html, 'Injection susceptibility')).toBe(String(a.injectionSusceptibility));
    expect(html).toMatch(new RegExp(`aria-label="Access to t"[^>]*>(?:(?!</select>).)*<option selected="">${a.capabilities[0]!.access}</option>`));
    expect(html).toMatch(new RegExp(`aria-label="Lease on t"[^>]*>(?:(?!</select>).)*<option value="${a.capabilities[0]!.lease}" selected="">`));
    const memory = render(<MemorySection edit={edit('agent')} memory={BARE.agents[0]!.memory} />);
    expect(shown(memory, 'Eviction')).toBe(choice(a.memory.eviction));
    expect(shown(memory, 'Warn at')).toBe(String(a.memory.warnAt * 100));
    expect(shown(memory, 'Compact at')).toBe(String(a.memory.compactAt * 100));
    expect(shown(memory, 'Limit')).toBe(String(a.memory.coreBlocks[0]!.limit));
    const lruK = render(<MemorySection edit={edit('agent')} memory={{ eviction: 'lru-k' }} />);
    expect(shown(lruK, 'k')).toBe(String(a.memory.k));
  });

  it('the harness: permission mode and step limit', () => {
    const html = render(<DocumentForm />);
    expect(shown(html, 'Permission mode')).toBe(choice(spec.policy.mode));
    expect(shown(html, 'Max steps')).toBe(String(spec.limits.maxSteps));
    expect(shown(html, 'Slice')).toBe(String(spec.sched.sliceTokens));
    expect(shown(html, 'Aging step')).toBe(String(spec.sched.agingStepMs));
    expect(shown(html, 'rt period')).toBe(String(spec.sched.rtPeriodMs));
    expect(shown(html, 'rt share')).toBe(String(spec.sched.rtRuntimeShare));
    expect(shown(html, 'Deadline bound')).toBe(String(spec.sched.dlBound));
  });

  it('an agent’s scheduling class and the fields each class reads', () => {
    expect(shown(render(<AgentForm edit={edit('agent')} />), 'Class')).toBe(choice(spec.agents[0]!.sched.class));
    for (const cls of ['rt', 'fair', 'priority']) {
      const agent = { ...BARE.agents[0]!, sched: { class: cls } };
      const parsed = parseHarness({ ...BARE, agents: [agent] });
      if (!parsed.ok) throw new Error('invalid');
      const s = parsed.spec.agents[0]!.sched;
      const base = edit('agent');
      const html = render(<AgentForm edit={{ ...base, entity: { ...base.entity, value: agent } }} />);
      if (cls === 'rt') expect(shown(html, 'rt policy')).toBe(choice(String(s.rtPolicy)));
      if (cls !== 'fair') expect(shown(html, 'Priority')).toBe(String(s.priority));
      if (cls === 'fair') expect(shown(html, 'Nice')).toBe(String(s.nice));
    }
  });
});
