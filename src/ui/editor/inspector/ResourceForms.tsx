/** Inspector forms for tools, stores, models and channels. */
import { useStudio } from '../../../store';
import { studio } from '../../../bridge/client';
import { boundEndpoint, modelEndpointsKey } from '../../shell/modelEndpoints';
import { useLocalModels } from '../../shell/localModels';
import { localModelBinding } from '../../../bridge/api';
import { collectionIds, entities, isRecord, str } from '../docModel';
import { BUILTIN_PROVIDERS, DEFAULT_RETRY_POLICY, HUMAN, PROVIDERS, specDefaults, storeTier } from '../../../kernel';
import { NumberField, Section, SelectField, TextField } from './fields';
import { StoreDocuments } from './MemoryForms';
import type { EntityEdit } from './useEntityEdit';
import { defaultChoice, placeholderOf } from './shownDefault';

export const TOOL_FIELDS = ['id', 'name', 'description', 'sideEffect', 'tier', 'trust', 'mainArg', 'impl'];
export const STORE_FIELDS = ['id', 'name', 'kind', 'owner', 'documents'];
export const MODEL_FIELDS = ['id', 'name', 'provider', 'model', 'baseUrl', 'contextWindow', 'priceIn', 'priceOut', 'quality', 'slots', 'tokensPerSecond', 'retry', 'limits'];
export const CHANNEL_FIELDS = ['id', 'from', 'to', 'kind', 'latencyMs'];

const { model: MODEL, tool: TOOL, toolImpl: IMPL, store: STORE, channel: CHANNEL } = specDefaults;
const IMPL_KINDS = Object.keys(IMPL) as (keyof typeof IMPL)[];

/** What a tool's implementation becomes when its kind changes: the kind's defaults, and an empty store to pick where it needs one. */
function implOfKind(kind: string): Record<string, unknown> {
  const known = IMPL_KINDS.find((k) => k === kind) ?? TOOL.impl.kind;
  return { kind: known, ...(known === 'sim' ? {} : known === 'mcp' ? { server: '', tool: '' } : { store: '' }), ...IMPL[known] };
}

export function ToolForm({ edit }: { edit: EntityEdit }) {
  const doc = useStudio((s) => s.doc);
  const { entity, set, at } = edit;
  const t = entity.value;
  const impl = isRecord(t.impl) ? t.impl : { kind: TOOL.impl.kind };
  const kind = str(impl.kind, TOOL.impl.kind);
  const stores = entities(doc, 'store').map((s) => s.id);
  return (
    <>
      <Section title="Tool">
        <TextField label="Name" value={t.name} onChange={(v) => set(['name'], v, 'Rename tool')} issues={at('name')} testId="field-name" />
        <TextField label="Description" value={t.description} onChange={(v) => set(['description'], v, 'Edit tool description')} issues={at('description')} multiline />
        <div className="hs-grid2">
          <SelectField label="Side effect" value={t.sideEffect} options={['none', 'read', 'write', 'external', 'privileged']} empty={defaultChoice(TOOL.sideEffect)} onChange={(v) => set(['sideEffect'], v, 'Set side effect')} issues={at('sideEffect')} testId="field-side-effect" />
          <SelectField label="Tier" value={t.tier} options={['platform', 'shared', 'session']} empty={defaultChoice(TOOL.tier)} onChange={(v) => set(['tier'], v, 'Set isolation tier')} issues={at('tier')} />
          <SelectField label="Results" value={t.trust} options={['trusted', 'untrusted']} empty={defaultChoice(TOOL.trust)} onChange={(v) => set(['trust'], v, 'Set result trust')} issues={at('trust')} testId="field-trust" />
          <TextField label="Main argument" hint="what rules match: tool(…)" value={t.mainArg} placeholder="path, url, to, …" onChange={(v) => set(['mainArg'], v || undefined, 'Set main argument')} issues={at('mainArg')} />
        </div>
      </Section>
      <Section title="Implementation">
        <SelectField
          label="Kind"
          value={kind}
          options={IMPL_KINDS}
          onChange={(v) => set(['impl'], implOfKind(v ?? TOOL.impl.kind), 'Change tool implementation')}
          issues={at('impl.kind')}
          testId="field-impl-kind"
        />
        {kind === 'sim' && (
          <TextField label="Result" hint="template over {{args.NAME}}" value={impl.result} onChange={(v) => set(['impl', 'result'], v, 'Edit tool result')} issues={at('impl.result')} multiline />
        )}
        {kind === 'mcp' && (
          <div className="hs-grid2">
            <SelectField label="MCP server" value={impl.server} options={collectionIds(doc, 'mcpServers')} onChange={(v) => set(['impl', 'server'], v, 'Set MCP server')} issues={at('impl.server')} />
            <TextField label="Tool on the server" value={impl.tool} onChange={(v) => set(['impl', 'tool'], v, 'Set MCP tool name')} issues={at('impl.tool')} />
          </div>
        )}
        {(kind === 'search' || kind === 'archival_insert') && (
          <SelectField label="Store" value={impl.store} options={stores} onChange={(v) => set(['impl', 'store'], v, 'Set tool store')} issues={at('impl.store')} />
        )}
        <div className="hs-grid2">
          {kind === 'search' && <NumberField label="Top K" value={impl.topK} min={1} max={50} step={1} placeholder={placeholderOf(IMPL.search.topK as number)} onChange={(v) => set(['impl', 'topK'], v, 'Set top K')} issues={at('impl.topK')} />}
          <NumberField label="Latency" hint="ms" value={impl.latencyMs} min={0} step={10} placeholder={kind in IMPL ? placeholderOf(IMPL[kind as keyof typeof IMPL].latencyMs as number) : undefined} onChange={(v) => set(['impl', 'latencyMs'], v, 'Set tool latency')} issues={at('impl.latencyMs')} />
        </div>
      </Section>
    </>
  );
}

export function StoreForm({ edit }: { edit: EntityEdit }) {
  const doc = useStudio((s) => s.doc);
  const { entity, set, at } = edit;
  const s = entity.value;
  return (
    <>
      <Section title="Store">
        <TextField label="Name" value={s.name} onChange={(v) => set(['name'], v, 'Rename store')} issues={at('name')} testId="field-name" />
        <div className="hs-grid2">
          <SelectField label="Kind" value={s.kind} options={['archival', 'knowledge']} empty={defaultChoice(STORE.kind)} onChange={(v) => set(['kind'], v, 'Set store kind')} issues={at('kind')} />
          <SelectField label="Owner" value={s.owner} options={entities(doc, 'agent').map((a) => a.id)} empty="none" onChange={(v) => set(['owner'], v, 'Set store owner')} issues={at('owner')} />
          <SelectField label="Tier" value={s.tier} options={['platform', 'shared', 'session']} empty={defaultChoice(storeTier({ kind: s.kind === 'knowledge' ? 'knowledge' : STORE.kind }))} onChange={(v) => set(['tier'], v, 'Set isolation tier')} issues={at('tier')} testId="field-store-tier" />
        </div>
      </Section>
      <StoreDocuments edit={edit} />
    </>
  );
}

/**
 * The providers a document may name besides the default (which is the empty choice, so "sim"
 * is listed once); those that run only on an endpoint chosen for the model say so in the list
 * (a run of such a model without one is refused before it starts, see checkRunnable).
 */
const PROVIDER_OPTIONS = PROVIDERS.filter((p) => p !== MODEL.provider).map((p) => ({
  value: p,
  label: BUILTIN_PROVIDERS.includes(p) ? p : `${p} (needs an endpoint)`,
}));

const KIND_LABEL = { openai: 'OpenAI-compatible', anthropic: 'Anthropic' } as const;

/** Which Settings endpoint this browser runs the model on (stored beside the project, never in the document). */
function EndpointField({ modelId }: { modelId: string }) {
  const endpoints = useStudio((s) => s.endpoints);
  const local = useLocalModels().models;
  const projectId = useStudio((s) => s.projectId);
  const bindings = useStudio((s) => s.modelEndpoints);
  const bound = boundEndpoint(endpoints, bindings[modelId]);
  // Bound by id: renaming the endpoint in Settings keeps the model on it.
  const choose = (id: string | undefined): void => {
    const next = { ...bindings };
    if (id) next[modelId] = id;
    else delete next[modelId];
    useStudio.getState().setModelEndpoints(next);
    if (projectId) void studio().setSetting(modelEndpointsKey(projectId), next).catch(() => undefined);
  };
  return (
    <SelectField
      label="Endpoint"
      hint={endpoints.length + local.length === 0 ? 'add one in Settings' : `${bound ? `${KIND_LABEL[bound.kind]}; ` : ''}from Settings, this browser only`}
      value={bound?.id ?? bindings[modelId]}
      // A stored GGUF serves any real provider: the local CPU answers the same chat requests.
      options={[
        ...endpoints.map((e) => ({ value: e.id, label: e.name })),
        ...local.map((m) => ({ value: localModelBinding(m.name), label: `local: ${m.name}` })),
      ]}
      empty="none (choose one to run it in the studio; the CLI uses the base URL)"
      onChange={choose}
      testId="field-endpoint"
    />
  );
}

/** A model's `limits` with one of its fields set (or cleared); undefined when none is left, so the document stays as it was. */
export function withLimit(limits: unknown, key: 'rpm' | 'tpm', value: number | undefined): Record<string, unknown> | undefined {
  const next: Record<string, unknown> = { ...(isRecord(limits) ? limits : {}) };
  if (value === undefined) delete next[key];
  else next[key] = value;
  return Object.keys(next).length === 0 ? undefined : next;
}

export function ModelForm({ edit }: { edit: EntityEdit }) {
  const { entity, set, at } = edit;
  const m = entity.value;
  const provider = str(m.provider, MODEL.provider);
  return (
    <Section title="Model">
      <TextField label="Name" value={m.name} onChange={(v) => set(['name'], v, 'Rename model')} issues={at('name')} testId="field-name" />
      <div className="hs-grid2">
        <SelectField
          label="Provider"
          // Written out or left to default, the default provider is the one "(default)" choice.
          value={provider === MODEL.provider ? undefined : provider}
          options={PROVIDER_OPTIONS}
          empty={defaultChoice(MODEL.provider)}
          onChange={(v) => set(['provider'], v, 'Set provider')}
          issues={at('provider')}
          testId="field-provider"
        />
        <TextField label="Model" value={m.model} placeholder={MODEL.model} onChange={(v) => set(['model'], v || undefined, 'Set provider model')} issues={at('model')} />
        <SelectField label="Tokenizer" value={m.tokenizer} options={['o200k_base', 'cl100k_base', 'p50k_base', 'r50k_base']} empty="from the model name" onChange={(v) => set(['tokenizer'], v, 'Set tokenizer')} issues={at('tokenizer')} testId="field-tokenizer" />
      </div>
      {provider !== 'sim' && <EndpointField modelId={entity.id} />}
      {provider !== 'sim' && (
        <TextField label="Base URL" value={m.baseUrl} placeholder="https://…/v1" onChange={(v) => set(['baseUrl'], v || undefined, 'Set base URL')} issues={at('baseUrl')} />
      )}
      <div className="hs-grid2">
        <NumberField label="Context window" hint="tokens" value={m.contextWindow} min={256} step={1024} placeholder={placeholderOf(MODEL.contextWindow)} onChange={(v) => set(['contextWindow'], v, 'Set context window')} issues={at('contextWindow')} testId="field-context-window" />
        <NumberField label="Slots" hint="concurrent" value={m.slots} min={1} max={1024} step={1} placeholder={placeholderOf(MODEL.slots)} onChange={(v) => set(['slots'], v, 'Set slots')} issues={at('slots')} />
        <NumberField label="Price in" hint="$/M tokens" value={m.priceIn} min={0} step={0.05} placeholder={placeholderOf(MODEL.priceIn)} onChange={(v) => set(['priceIn'], v, 'Set input price')} issues={at('priceIn')} />
        <NumberField label="Price out" hint="$/M tokens" value={m.priceOut} min={0} step={0.05} placeholder={placeholderOf(MODEL.priceOut)} onChange={(v) => set(['priceOut'], v, 'Set output price')} issues={at('priceOut')} />
        <NumberField label="Quality" hint="1–5" value={m.quality} min={1} max={5} step={1} placeholder={placeholderOf(MODEL.quality)} onChange={(v) => set(['quality'], v, 'Set quality')} issues={at('quality')} />
        {provider === 'sim' && (
          <NumberField label="Speed" hint="tokens/s" value={m.tokensPerSecond} min={1} step={10} placeholder={placeholderOf(MODEL.tokensPerSecond)} onChange={(v) => set(['tokensPerSecond'], v, 'Set speed')} issues={at('tokensPerSecond')} />
        )}
        {/* Failed calls (429, 5xx, network) retry this many times before the job fails; the kernel's default when unset. */}
        <NumberField label="Retries" hint="after a failed call" value={isRecord(m.retry) ? m.retry.max : undefined} min={0} max={20} step={1} placeholder={String(DEFAULT_RETRY_POLICY.maxRetries)} onChange={(v) => set(['retry'], v === undefined ? undefined : { max: v }, 'Set retries')} issues={at('retry')} testId="field-retry-max" />
        <NumberField label="Requests/min" hint="rpm" value={isRecord(m.limits) ? m.limits.rpm : undefined} min={1} step={1} placeholder="no limit" onChange={(v) => set(['limits'], withLimit(m.limits, 'rpm', v), 'Set requests per minute')} issues={at('limits.rpm')} testId="field-limits-rpm" />
        <NumberField label="Tokens/min" hint="tpm" value={isRecord(m.limits) ? m.limits.tpm : undefined} min={1} step={1000} placeholder="no limit" onChange={(v) => set(['limits'], withLimit(m.limits, 'tpm', v), 'Set tokens per minute')} issues={at('limits.tpm')} testId="field-limits-tpm" />
      </div>
    </Section>
  );
}

export function ChannelForm({ edit }: { edit: EntityEdit }) {
  const doc = useStudio((s) => s.doc);
  const { entity, set, at } = edit;
  const c = entity.value;
  // The person at the studio is a participant too: an agent may ask it, and it may answer.
  const agents = [...entities(doc, 'agent').map((a) => a.id), HUMAN];
  // A channel may end at a remote agent (it answers over it); it never starts at one.
  const receivers = [...agents, ...entities(doc, 'remote').map((r) => r.id)];
  return (
    <Section title="Channel">
      <div className="hs-grid2">
        <SelectField label="From" value={c.from} options={agents} onChange={(v) => set(['from'], v, 'Set channel source')} issues={at('from')} />
        <SelectField label="To" value={c.to} options={receivers} onChange={(v) => set(['to'], v, 'Set channel target')} issues={at('to')} />
        <SelectField label="Kind" value={c.kind} options={['message', 'delegate']} empty={defaultChoice(CHANNEL.kind)} onChange={(v) => set(['kind'], v, 'Set channel kind')} issues={at('kind')} />
        <NumberField label="Latency" hint="virtual ms" value={c.latencyMs} min={0} step={10} placeholder={placeholderOf(CHANNEL.latencyMs)} onChange={(v) => set(['latencyMs'], v, 'Set channel latency')} issues={at('latencyMs')} />
        <SelectField
          label="Trust"
          hint="untrusted: the sender is outside the trust boundary; each message taints what the reader derives from it"
          value={c.trust}
          options={['trusted', { value: 'untrusted', label: 'untrusted (outside the boundary)' }]}
          empty="not set (messages carry their sources' labels)"
          testId="field-channel-trust"
          onChange={(v) => set(['trust'], v, 'Set channel trust')}
          issues={at('trust')}
        />
      </div>
    </Section>
  );
}
