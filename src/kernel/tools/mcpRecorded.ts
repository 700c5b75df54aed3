/**
 * MCP results from a trace: a restored, forked or replayed run answers every call the trace holds
 * from its `tool.returned`, and only calls it does not hold go to the live host (a fork's new
 * calls) — or fail plainly when there is none (a replay with the network off).
 */
import type { KernelEvent } from '../trace/events';
import type { McpCallRequest, McpCallResult, McpPort } from './mcp';

/** Raised when a replay needs an MCP result the trace does not hold and no live server may be called. */
export class McpNotRecordedError extends Error {
  constructor(readonly callId: string, readonly server: string, readonly tool: string) {
    super(`call ${callId} of ${tool} on MCP server "${server}": the trace holds no recorded result, and no live server may be called`);
    this.name = 'McpNotRecordedError';
  }
}

/** The recorded MCP results of `events` by call id: calls made (`tool.called`) at or before `upTo`, answered anywhere in `events`. */
export function recordedMcp(events: readonly KernelEvent[], upTo = Number.POSITIVE_INFINITY): Map<string, McpCallResult> {
  const made = new Set<string>();
  const out = new Map<string, McpCallResult>();
  for (const e of events) {
    if (e.type === 'tool.called' && e.seq <= upTo) made.add(e.callId);
    else if (e.type === 'tool.returned' && e.mcp && made.has(e.callId)) {
      out.set(e.callId, { ok: e.ok, text: e.result, ...(e.mcp.isError ? { isError: true } : {}), ...(e.mcp.progress ? { progress: { ...e.mcp.progress } } : {}) });
    }
  }
  return out;
}

/** An McpPort answering recorded calls from the trace, the rest from `live` (or McpNotRecordedError). */
export class RecordedMcp implements McpPort {
  /** Calls passed to the live host (tests count them). */
  liveCalls = 0;

  constructor(private readonly recorded: ReadonlyMap<string, McpCallResult>, private readonly live?: McpPort) {}

  static fromTrace(events: readonly KernelEvent[], live?: McpPort, upTo?: number): RecordedMcp {
    return new RecordedMcp(recordedMcp(events, upTo), live);
  }

  /** True when the trace holds any MCP result (else wrapping changes nothing). */
  static holdsAny(events: readonly KernelEvent[]): boolean {
    return events.some((e) => e.type === 'tool.returned' && e.mcp !== undefined);
  }

  async call(req: McpCallRequest): Promise<McpCallResult> {
    const r = this.recorded.get(req.callId);
    if (r) return r;
    if (!this.live) throw new McpNotRecordedError(req.callId, req.server.id, req.tool);
    this.liveCalls += 1;
    return this.live.call(req);
  }
}
