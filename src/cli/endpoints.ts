/**
 * Where the CLI's real models live: keys from the environment, base URLs from the document or
 * `--base-url MODEL_ID=URL`. Pure (the environment is passed in). A key is only ever handed to
 * the provider adapter; nothing here prints it.
 */
import type { HarnessSpec, ModelSpec } from '../kernel';
import type { EndpointConfig } from '../providers';

/** The per-model key variable: `HARNESS_KEY_` and the model id upper-cased, other characters as `_`. */
export function modelKeyVar(modelId: string): string {
  return `HARNESS_KEY_${modelId.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

const PROVIDER_KEY: Readonly<Record<string, string>> = { openai: 'OPENAI_API_KEY', 'openai-compatible': 'OPENAI_API_KEY', anthropic: 'ANTHROPIC_API_KEY' };
const DEFAULT_BASE: Readonly<Record<string, string>> = { openai: 'https://api.openai.com/v1', anthropic: 'https://api.anthropic.com' };

export type Env = Readonly<Record<string, string | undefined>>;

/** Endpoints of the document's real models, or the one line saying what to set for the first model lacking one. */
export function cliEndpoints(spec: HarnessSpec, env: Env, baseUrls: Readonly<Record<string, string>>): { ok: true; endpoints: Record<string, EndpointConfig> } | { ok: false; line: string } {
  const endpoints: Record<string, EndpointConfig> = {};
  for (const m of spec.models) {
    if (m.provider === 'sim') continue;
    const r = endpointFor(m, env, baseUrls[m.id]);
    if (!r.ok) return r;
    endpoints[m.id] = r.endpoint;
  }
  return { ok: true, endpoints };
}

function endpointFor(m: ModelSpec, env: Env, override: string | undefined): { ok: true; endpoint: EndpointConfig } | { ok: false; line: string } {
  const baseUrl = override ?? m.baseUrl ?? DEFAULT_BASE[m.provider];
  if (baseUrl === undefined || baseUrl === '') {
    return { ok: false, line: `model "${m.id}" (${m.provider}) has no endpoint: set its baseUrl in the document or pass --base-url ${m.id}=URL` };
  }
  const keyVar = modelKeyVar(m.id);
  const providerVar = PROVIDER_KEY[m.provider]!;
  const key = nonEmpty(env[keyVar]) ?? nonEmpty(env[providerVar]);
  // A self-hosted OpenAI-compatible server (Ollama, vLLM, llama.cpp) usually needs no key.
  if (key === undefined && m.provider !== 'openai-compatible') {
    return { ok: false, line: `model "${m.id}" (${m.provider}) has no API key: set ${providerVar} or ${keyVar}` };
  }
  return { ok: true, endpoint: { wire: m.provider === 'anthropic' ? 'anthropic' : 'openai', baseUrl, ...(key !== undefined ? { apiKey: key } : {}) } };
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/** The values of the one-endpoint flags `--endpoint URL --model NAME [--wire W] [--key-env VAR]` as given. */
export interface EndpointFlags {
  url?: string;
  model?: string;
  wire?: string;
  keyEnv?: string;
}

/**
 * Reads `flag` into `into` when it is one of the one-endpoint flags (`inject-suite` and
 * `experiment` share them): true when taken, false when it is another flag, or what is wrong
 * with its value. `value` takes the flag's value off the command line.
 */
export function readEndpointFlag(flag: string, value: () => string, into: EndpointFlags): boolean | string {
  switch (flag) {
    case '--endpoint':
      into.url = value();
      return /^https?:\/\/[^\s/]/.test(into.url) || `--endpoint: expected an http(s) URL, found ${JSON.stringify(into.url)}`;
    case '--model':
      into.model = value();
      return into.model !== '' || "--model needs the endpoint's model name";
    case '--wire':
      into.wire = value();
      return into.wire === 'openai' || into.wire === 'anthropic' || `--wire: expected openai or anthropic, found ${JSON.stringify(into.wire)}`;
    case '--key-env':
      into.keyEnv = value();
      return /^[A-Za-z_][A-Za-z0-9_]*$/.test(into.keyEnv) || `--key-env: expected the name of an environment variable, found ${JSON.stringify(into.keyEnv)}`;
    default:
      return false;
  }
}
