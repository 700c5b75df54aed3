/**
 * Document edits for remote A2A agents (the palette's Remote agents section): an agent declared
 * by its Agent Card's URL, with the name and skills its card gave, as a node on the canvas.
 */
import type { RemoteCardSummary } from '../../bridge/api';
import { allIds, asDoc, isRecord, layoutPositions, type Position } from './docModel';
import { setIn } from './docOps';

/** The declared remote agents, as far as they have the right shape. */
export function remoteAgents(doc: unknown): Array<{ id: string; name: string; url: string; index: number }> {
  const list = asDoc(doc).remoteAgents;
  if (!Array.isArray(list)) return [];
  return list.flatMap((r: unknown, index) => (isRecord(r) && typeof r.id === 'string' ? [{ id: r.id, name: typeof r.name === 'string' ? r.name : '', url: typeof r.url === 'string' ? r.url : '', index }] : []));
}

/** An id from the card's name (`Translator Agent` → `translator-agent`), free in the document. */
export function remoteIdFor(doc: unknown, name: string): string {
  let base = name.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[^a-z]+/, '').replace(/-+$/, '').slice(0, 40);
  if (base === '') base = 'remote-agent';
  const ids = allIds(doc);
  if (!ids.has(base)) return base;
  for (let n = 2; ; n++) if (!ids.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** Where a new remote agent goes: right of everything drawn, at the agents' height, so it never lands on a node. */
export function remoteSpot(doc: unknown): Position {
  const all = [...layoutPositions(doc).values()];
  const right = all.reduce((m, p) => Math.max(m, p.x), 0);
  return { x: right + 260, y: 40 };
}

/**
 * Declares the remote agent whose card is `card` (untrusted until the user says otherwise) as a
 * node at `at`; an already declared URL only has its name and skills brought up to date.
 */
export function addRemoteAgent(doc: unknown, card: RemoteCardSummary, at: Position): { doc: unknown; id: string; added: boolean } {
  const skills = card.skills.map((s) => ({ id: s.id, name: s.name }));
  const known = remoteAgents(doc).find((r) => r.url === card.url);
  const d = asDoc(doc);
  if (known) return { doc: setIn(d, ['remoteAgents', known.index, 'skills'], skills), id: known.id, added: false };
  const id = remoteIdFor(doc, card.name);
  const list = Array.isArray(d.remoteAgents) ? d.remoteAgents : [];
  let next = setIn(d, ['remoteAgents'], [...list, { id, name: card.name, url: card.url, trust: 'untrusted', skills }]);
  next = setIn(next, ['layout', 'nodes', id], { x: Math.round(at.x), y: Math.round(at.y) });
  return { doc: next, id, added: true };
}
