/**
 * Endpoints in the worker: the only place a stored key meets a provider. Settings' Test lists an
 * endpoint's models; a failure comes back as the provider's typed failure (message and fix name
 * the endpoint, never the key), and anything else is redacted before it leaves.
 */
import { ProviderError, createProvider, redact } from '../providers';
import type { EndpointRow } from '../persist';
import type { EndpointTest } from './api';

const TEST_TIMEOUT_MS = 15_000;

/** Lists the endpoint's models with its stored key. */
export async function testEndpoint(row: EndpointRow, fetchImpl?: typeof fetch): Promise<EndpointTest> {
  try {
    const provider = createProvider({ wire: row.kind, baseUrl: row.baseUrl, ...(row.apiKey ? { apiKey: row.apiKey } : {}) }, fetchImpl ? { fetch: fetchImpl } : {});
    const signal = AbortSignal.timeout(TEST_TIMEOUT_MS);
    const models = await provider.listModels({ signal });
    if (signal.aborted) return { ok: false, kind: 'timeout', message: `${row.name} (${provider.endpoint}) did not list its models within ${TEST_TIMEOUT_MS / 1000} s.`, fix: 'Check that the server is running and the base URL is right.' };
    return { ok: true, models: models.map((m) => m.id) };
  } catch (err) {
    if (err instanceof ProviderError) {
      const f = err.failure;
      return { ok: false, kind: f.kind, message: redact(f.message, [row.apiKey]), fix: redact(f.fix, [row.apiKey]) };
    }
    const text = err instanceof Error ? err.message : String(err);
    return { ok: false, kind: 'unknown', message: `${row.name}: ${redact(text, [row.apiKey])}`, fix: 'Check the base URL and kind in Settings.' };
  }
}
