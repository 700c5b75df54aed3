/**
 * Remote agents in the studio's worker: the A2A SDK client reads Agent Cards and sends the
 * kernel's messages. Auth headers come from this browser's settings, like API keys: read here,
 * never sent back to the page, never recorded.
 */
import type { RemoteAgentSpec } from '../kernel';
import { A2aRemoteError, A2aRemoteHub, cardUrlOf, fetchAgentCard, summarizeCard } from '../providers/a2aRemoteClient';
import type { SettingStore } from '../persist';
import { remoteAuthKey, type RemoteCardResult } from './a2aRemoteApi';

/** The origin of the page the worker serves (CORS messages name it), or undefined in Node. */
function pageOrigin(): string | undefined {
  const loc = (globalThis as { location?: { origin?: string } }).location;
  return loc?.origin && loc.origin !== 'null' ? loc.origin : undefined;
}

export class WorkerRemoteAgents {
  constructor(
    private readonly settings: SettingStore,
    private readonly fetchImpl?: typeof fetch,
  ) {}

  private async headers(url: string): Promise<Record<string, string>> {
    const stored = await this.settings.get(remoteAuthKey(cardUrlOf(url)));
    if (stored && typeof stored === 'object' && 'header' in stored && 'value' in stored) {
      const { header, value } = stored as { header: unknown; value: unknown };
      if (typeof header === 'string' && typeof value === 'string') return { [header]: value };
    }
    return {};
  }

  private options() {
    const origin = pageOrigin();
    return { ...(this.fetchImpl ? { fetch: this.fetchImpl } : {}), ...(origin ? { origin } : {}) };
  }

  async card(url: string): Promise<RemoteCardResult> {
    const headers = await this.headers(url);
    const auth = Object.keys(headers).length > 0;
    try {
      const card = await fetchAgentCard(url, headers, this.options());
      return { ok: true, auth, ...summarizeCard(url, card) };
    } catch (err) {
      const kind = err instanceof A2aRemoteError ? err.kind : 'protocol';
      return { ok: false, url: cardUrlOf(url), kind, error: err instanceof Error ? err.message : String(err), auth };
    }
  }

  async setAuth(url: string, header: string, value: string | null): Promise<void> {
    const key = remoteAuthKey(cardUrlOf(url));
    if (value === null || value === '') return this.settings.set(key, undefined);
    if (!/^[A-Za-z0-9-]+$/.test(header)) throw new Error(`"${header}" is not an HTTP header name`);
    await this.settings.set(key, { header, value });
  }

  /** The kernel's A2A client for runs: a client per remote agent, opened on its first message. */
  hub(): A2aRemoteHub {
    return new A2aRemoteHub((remote: RemoteAgentSpec) => this.headers(remote.url), this.options());
  }
}
