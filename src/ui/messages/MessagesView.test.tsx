import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Conversation } from './fixtures.test-data';
import { MessagesView } from './MessagesView';

const AGENTS = ['planner', 'coder'];
const noop = () => {};
const send = async () => {};

function conversation(): Conversation {
  return new Conversation()
    .started(AGENTS)
    .at(10).sent('human', 'planner', '<img src=x onerror=alert(1)>', { task: 'h1' })
    .task('h1', 'human', 'planner', null, 'TASK_STATE_WORKING')
    .at(20).delivered('m1', 'human', 'planner')
    .at(30).task('h1', 'human', 'planner', 'TASK_STATE_WORKING', 'TASK_STATE_INPUT_REQUIRED', null, 'which version?')
    .at(40).sent('planner', 'coder', 'go', { facts: ['v2'] })
    .at(50).delivered('m2', 'planner', 'coder')
    .retained('m2', 'planner', 'coder', ['v2'], []);
}

/** Server-rendered markup: what the view shows before any effect (the canvas paints in one). */
function render(cursor: number, canSend: boolean): string {
  const c = conversation();
  return renderToStaticMarkup(<MessagesView events={c.events} cursor={cursor} agents={AGENTS} onSelectEvent={noop} onSend={send} canSend={canSend} />);
}

describe('MessagesView', () => {
  it('lists messages, retention and the task waiting on the human, with run text as text', () => {
    const html = render(7, true);
    for (const id of ['messages-view', 'sequence-diagram', 'message-list', 'message-row-1', 'message-row-5', 'retention-table', 'retention-row-planner-coder', 'human-composer', 'input-required-h1', 'composer-to', 'composer-text', 'composer-send']) {
      expect(html).toContain(`data-testid="${id}"`);
    }
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img');
    expect(html).toContain('0/1 facts, lost: v2');
    expect(html).not.toContain('composer-disabled-reason');
  });

  it('cuts at the cursor and explains why it cannot send outside a live run', () => {
    const html = render(2, false);
    expect(html).toContain('data-testid="message-row-1"');
    expect(html).not.toContain('message-row-5');
    expect(html).not.toContain('input-required-h1');
    expect(html).toContain('data-testid="composer-disabled-reason"');
    expect(html).toMatch(/<button type="submit" data-testid="composer-send" disabled="">/);
  });
});
