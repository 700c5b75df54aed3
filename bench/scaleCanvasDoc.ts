/**
 * A harness document of about `n` canvas nodes for the canvas scale bench and its e2e spec:
 * agents (70%) chained by channels with a few longer hops, tools (15%) and stores (10%) each
 * agent uses, a model for every 50 agents and a budget group for every 100. Valid (no issues),
 * deterministic for a given `n`, with stored positions on a grid like an exported document.
 */
export function scaleCanvasDoc(n: number, name = `Canvas ${n}`): Record<string, unknown> {
  const count = (share: number, min: number): number => Math.max(min, Math.round(n * share));
  const nTools = count(0.15, 1);
  const nStores = count(0.1, 1);
  const nModels = count(0.014, 1);
  const nGroups = count(0.006, 1);
  const nAgents = Math.max(2, n - nTools - nStores - nModels - nGroups);
  const agentId = (i: number): string => `agent-${i}`;
  const toolId = (i: number): string => `tool-${i}`;
  const storeId = (i: number): string => `store-${i}`;
  const modelId = (i: number): string => `model-${i}`;
  const groupId = (i: number): string => `group-${i}`;

  const models = Array.from({ length: nModels }, (_, i) => ({ id: modelId(i), name: `Sim ${i}`, provider: 'sim', model: 'sim-1', contextWindow: 8192, slots: 2 }));
  const tools = Array.from({ length: nTools }, (_, i) => ({
    id: toolId(i),
    name: `Tool ${i}`,
    description: 'A generated echo tool.',
    args: { type: 'object', properties: { q: { type: 'string' } } },
    sideEffect: 'read',
    impl: { kind: 'sim', result: 'ok' },
  }));
  const stores = Array.from({ length: nStores }, (_, i) => ({ id: storeId(i), name: `Store ${i}`, kind: 'knowledge', documents: [{ text: `Document of store ${i}.` }] }));
  const groups = Array.from({ length: nGroups }, (_, i) => ({ id: groupId(i), name: `Group ${i}`, tokens: 100_000, ...(i > 0 ? { parent: groupId(0) } : {}) }));

  const channels: Record<string, unknown>[] = [];
  const sendsTo = new Map<number, number[]>();
  const link = (from: number, to: number): void => {
    channels.push({ id: `ch-${from}-${to}`, from: agentId(from), to: agentId(to) });
    sendsTo.set(from, [...(sendsTo.get(from) ?? []), to]);
  };
  for (let i = 0; i + 1 < nAgents; i++) {
    link(i, i + 1);
    if (i % 7 === 0 && i + 5 < nAgents) link(i, i + 5);
  }
  const agents = Array.from({ length: nAgents }, (_, i) => {
    const tool = toolId(i % nTools);
    const store = storeId(i % nStores);
    const behaviour: Record<string, unknown>[] = [];
    if (i > 0) behaviour.push({ op: 'recv', from: agentId(i - 1), as: 'task' });
    behaviour.push({ op: 'call', tool, args: { q: `question ${i}` }, as: 'hits' });
    for (const to of sendsTo.get(i) ?? []) behaviour.push({ op: 'send', to: agentId(to), text: `Step ${i} done: {{var.hits}}` });
    behaviour.push({ op: 'finish', text: 'Done.' });
    return {
      id: agentId(i),
      name: `Agent ${i}`,
      model: modelId(Math.floor(i / 50) % nModels),
      systemPrompt: `You are generated agent ${i}.`,
      sched: { class: 'fair', group: groupId(Math.floor(i / 100) % nGroups) },
      behaviour,
      capabilities: [
        { target: tool, access: 'use' },
        { target: store, access: 'read' },
      ],
    };
  });

  // Positions like an exported document: agents on a grid, resources above, models and groups below.
  const nodes: Record<string, { x: number; y: number }> = {};
  const perRow = Math.ceil(Math.sqrt(nAgents));
  agents.forEach((a, i) => (nodes[a.id] = { x: (i % perRow) * 260, y: Math.floor(i / perRow) * 160 }));
  const bottom = Math.ceil(nAgents / perRow) * 160 + 200;
  [...tools, ...stores].forEach((r, i) => (nodes[r.id] = { x: (i % perRow) * 260, y: -200 - Math.floor(i / perRow) * 140 }));
  [...models, ...groups].forEach((m, i) => (nodes[m.id] = { x: (i % perRow) * 260, y: bottom + Math.floor(i / perRow) * 140 }));

  return { version: 1, name, models, agents, tools, stores, channels, groups, goals: [], layout: { nodes } };
}
