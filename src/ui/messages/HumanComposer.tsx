import { useRef, useState } from 'react';
import { HUMAN } from '../../kernel';
import { formatVt } from '../run/format';
import { lastState, type TaskTrack } from './sequence';

interface Props {
  /** Who the human may write to: the run's agents. */
  agents: readonly string[];
  /** Input-required tasks waiting on the human, at the cursor. */
  waiting: readonly TaskTrack[];
  canSend: boolean;
  onSend(input: { to: string; text: string }): Promise<void>;
}

/** Why a send failed, as one line. */
function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The person at the studio as a participant: answer a task that needs their input, or write to
 * any agent. The message goes into the run as a human input (recorded, replayable); it shows up
 * on the human's lifeline once the kernel records it.
 */
export function HumanComposer({ agents, waiting, canSend, onSend }: Props) {
  const recipients = agents.filter((a) => a !== HUMAN);
  const [picked, setPicked] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const to = picked !== null && recipients.includes(picked) ? picked : (recipients[0] ?? '');
  const ready = canSend && !busy && to !== '' && text.trim().length > 0;

  const send = async (e?: { preventDefault(): void }) => {
    e?.preventDefault();
    if (!ready) return;
    setBusy(true);
    setError(null);
    try {
      await onSend({ to, text });
      setText('');
    } catch (err) {
      setError(reasonOf(err));
    } finally {
      setBusy(false);
    }
  };

  const answer = (task: TaskTrack) => {
    setPicked(task.server);
    textRef.current?.focus();
  };

  return (
    <div className="mg-human">
      <div className="rp-head">Waiting on you · {waiting.length}</div>
      {waiting.length === 0 ? (
        <div className="rp-empty">No task needs your input at the cursor.</div>
      ) : (
        <ul className="mg-waiting">
          {waiting.map((t) => {
            const mark = lastState(t);
            return (
              <li key={t.task} data-testid={`input-required-${t.task}`}>
                <span className="mg-route">{t.server}</span>
                <span className="mg-text">
                  task {t.task} · input-required{mark ? ` since ${formatVt(mark.t)}` : ''}
                  {mark?.reason ? ` · ${mark.reason}` : ''}
                </span>
                <button type="button" onClick={() => answer(t)} disabled={!canSend} title={canSend ? `Write to ${t.server}, who is waiting on this task` : 'Only a live run takes an answer'}>
                  Answer
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <form className="mg-composer" data-testid="human-composer" onSubmit={(e) => void send(e)} aria-label="Send as human">
        <div className="mg-composer-row">
          <label htmlFor="mg-composer-to">Send as human to</label>
          <select id="mg-composer-to" data-testid="composer-to" value={to} onChange={(e) => setPicked(e.target.value)} disabled={!canSend || recipients.length === 0}>
            {recipients.length === 0 && <option value="">no agents</option>}
            {recipients.map((a) => <option key={a} value={a}>{a}</option>)}
          </select>
        </div>
        <textarea
          ref={textRef}
          data-testid="composer-text"
          aria-label="Message text"
          placeholder={canSend ? `Message to ${to || 'an agent'} (Ctrl+Enter sends)` : ''}
          value={text}
          disabled={!canSend}
          rows={3}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void send(e);
          }}
        />
        <div className="mg-composer-row">
          {canSend ? (
            <span className="mg-dim">Recorded in the run as your input; it replays with the trace.</span>
          ) : (
            <span className="mg-dim" data-testid="composer-disabled-reason">
              Sending needs a live run: start one (F8) or fork this one to talk to its agents.
            </span>
          )}
          <span className="rp-spacer" />
          <button type="submit" data-testid="composer-send" disabled={!ready}>
            {busy ? 'Sending…' : 'Send'}
          </button>
        </div>
        {error !== null && (
          <div className="mg-error" role="alert" data-testid="composer-error">
            {error}
          </div>
        )}
      </form>
    </div>
  );
}
