/** Remote agents in the editor: added from a card once per URL, drawn as a node with its skills, reachable by a channel, laid out after its callers. */
import { describe, expect, it } from 'vitest';
import { parseHarness } from '../../kernel';
import type { RemoteCardSummary } from '../../bridge/api';
import { addRemoteAgent } from './remoteAgentDoc';
import { connect, connectionKind, deleteEntities } from './docOps';
import { buildEdges, buildNodes } from './graph';
import { autoLayout } from './autoLayout';

const card: RemoteCardSummary = {
  url: 'http://127.0.0.1:4000/.well-known/agent-card.json', name: 'Translator Agent', description: '', version: '1', endpoint: 'http://127.0.0.1:4000/a2a',
  skills: [{ id: 'translate', name: 'Translate', description: '', inputModes: [], outputModes: [] }], defaultInputModes: ['text/plain'], defaultOutputModes: ['text/plain'], streaming: false, security: [],
};
const base = { version: 1, name: 'x', models: [{ id: 'm', name: 'sim' }], agents: [{ id: 'writer', name: 'W', model: 'm' }] };

describe('remote agents in the editor', () => {
  it('adds the card as a remote agent node once per URL; a local agent connects to it by a channel, never the other way', async () => {
    const first = addRemoteAgent(base, card, { x: 300, y: 40 });
    expect(first).toMatchObject({ id: 'translator-agent', added: true });
    const again = addRemoteAgent(first.doc, { ...card, skills: [] }, { x: 0, y: 0 });
    expect(again).toMatchObject({ id: 'translator-agent', added: false });
    expect((again.doc as { remoteAgents: unknown[] }).remoteAgents).toEqual([{ id: 'translator-agent', name: 'Translator Agent', url: card.url, trust: 'untrusted', skills: [] }]);

    expect(connectionKind(first.doc, 'writer', 'translator-agent')).toBe('channel');
    expect(connectionKind(first.doc, 'translator-agent', 'writer')).toBeNull();
    const wired = connect(first.doc, 'writer', 'translator-agent')!;
    expect(parseHarness(wired.doc).ok).toBe(true);

    const nodes = buildNodes(wired.doc, new Map());
    expect(nodes.find((n) => n.id === 'translator-agent')).toMatchObject({ type: 'remote', data: { title: 'Translator Agent', subtitle: '127.0.0.1:4000', skills: ['Translate'] } });
    const edges = buildEdges(wired.doc, new Map());
    expect(edges.find((e) => e.data?.kind === 'channel')).toMatchObject({ source: 'writer', target: 'translator-agent' });

    const at = await autoLayout(nodes.map((n) => ({ id: n.id, kind: n.data.kind, width: 196, height: 80 })), edges.map((e) => ({ source: e.source, target: e.target })));
    expect(at.get('translator-agent')!.x).toBeGreaterThan(at.get('writer')!.x);

    // Deleting the node removes the remote agent and the channels to it.
    const gone = deleteEntities(wired.doc, ['translator-agent']) as Record<string, unknown[]>;
    expect(gone.remoteAgents).toEqual([]);
    expect(gone.channels).toEqual([]);
  });
});
