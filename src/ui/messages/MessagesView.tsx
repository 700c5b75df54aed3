import { useMemo, useState } from 'react';
import type { KernelEvent } from '../../kernel';
import { EditStateMessages } from '../run/EditStateMessages';
import '../run/editState.css';
import { HumanComposer } from './HumanComposer';
import { MessageList } from './MessageList';
import { RetentionTable } from './RetentionTable';
import { inputRequiredForHuman, messageAtSeq, SequenceCache } from './sequence';
import { SequenceDiagram, SequenceLegend } from './SequenceDiagram';
import { fullSpan } from './sequenceLayout';
import './messages.css';
import { NO_EVENTS_HINT } from '../run/runActions';

export interface MessagesViewProps {
  /** The run's trace; it may grow in place (the view reads up to `cursor` whatever its identity). */
  events: readonly KernelEvent[];
  /** seq the scrubber is at; -1 before any event. */
  cursor: number;
  /** The harness's agents, in document order: the lifelines, left to right. */
  agents: readonly string[];
  onSelectEvent(seq: number): void;
  /** Sends a message into the live run as the human. */
  onSend(input: { to: string; text: string }): Promise<void>;
  /** True while the run is live and takes human input. */
  canSend: boolean;
}

/**
 * The run's conversation at the debugger's cursor: a sequence diagram over virtual time (with
 * its message list for keyboards and readers), retention per edge, and the human's composer.
 * The model is read incrementally as the cursor moves forward, once per move, never per render.
 */
export function MessagesView({ events, cursor, agents, onSelectEvent, onSend, canSend }: MessagesViewProps) {
  const [cache] = useState(() => new SequenceCache());
  const length = events.length;
  // `events` may grow in place: its length says when it did.
  const model = useMemo(() => cache.at(events, cursor, agents), [cache, events, length, cursor, agents]);
  const full = useMemo(() => fullSpan(events, model), [events, length, model]);
  const waiting = useMemo(() => inputRequiredForHuman(model), [model]);
  const active = useMemo(() => messageAtSeq(model, cursor), [model, cursor]);
  const cursorT = cursor >= 0 ? (events[cursor]?.t ?? null) : null;

  return (
    <div className="mg" data-testid="messages-view">
      <div className="rp-col mg-main">
        <div className="rp-head">
          <span>Messages @ {cursor < 0 ? '—' : cursor}</span>
          <span className="rp-spacer" />
          <span className="mg-dim">wheel zooms · shift+wheel pans · click an arrow goes to its event · Tab reaches the list</span>
        </div>
        <SequenceLegend />
        {length === 0 ? (
          <div className="rp-empty">{NO_EVENTS_HINT}</div>
        ) : (
          <>
            {model.lifelines.length === 0 && <div className="rp-empty">No agent at the cursor.</div>}
            {model.lifelines.length > 0 && model.messages.length === 0 && (
              <div className="rp-empty" data-testid="no-messages">
                No message before the cursor: an arrow appears here when an agent sends one (msg.sent).
              </div>
            )}
            <SequenceDiagram model={model} full={full} trace={events[0]} activeSeq={cursor} cursorT={cursorT} onSelect={onSelectEvent} />
          </>
        )}
        <MessageList model={model} activeSeq={active?.seq ?? -1} onSelect={onSelectEvent} />
      </div>
      <div className="rp-col">
        <div className="rp-head">Retention per edge</div>
        <div className="rp-scroll mg-ret-box">
          <RetentionTable edges={model.edges} chain={model.chain} />
        </div>
        <div className="mg-edit-box">
          <EditStateMessages />
        </div>
        <HumanComposer agents={agents} waiting={waiting} canSend={canSend} onSend={onSend} />
      </div>
    </div>
  );
}
