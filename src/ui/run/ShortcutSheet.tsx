import { useModalDialog } from '../shared/useModalDialog';
import { OTHER_KEYS, RUN_ACTIONS } from './runActions';
import { closeShortcutSheet, useShortcutSheetOpen } from './shortcutSheet';
import './watch.css';

function Keys({ keys }: { keys: string }) {
  return (
    <>
      {keys.split(/(,\s*|\s*\/\s*)/).map((k, i) => (/^[,/\s]+$/.test(k) ? <span key={i}>{k}</span> : <kbd key={i}>{k}</kbd>))}
    </>
  );
}

function Sheet() {
  const dialog = useModalDialog(closeShortcutSheet);
  return (
    <div className="sk-overlay" onClick={closeShortcutSheet}>
      <div className="sk-sheet" ref={dialog} role="dialog" aria-modal="true" aria-label="Keyboard shortcuts" data-testid="shortcut-sheet" tabIndex={-1} onClick={(e) => e.stopPropagation()}>
        <h2>Keyboard shortcuts</h2>
        <table>
          <tbody>
            {RUN_ACTIONS.filter((a) => a.keys !== '').map((a) => (
              <tr key={a.name} data-testid="shortcut-row" data-action={a.name}>
                <td><Keys keys={a.keys} /></td>
                <td>
                  <b>{a.label}</b> — {a.hint}
                </td>
              </tr>
            ))}
            {OTHER_KEYS.map((k) => (
              <tr key={k.keys} data-testid="shortcut-row">
                <td><Keys keys={k.keys} /></td>
                <td>
                  {k.what} <span style={{ opacity: 0.7 }}>({k.where})</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <p style={{ opacity: 0.7, marginBottom: 0 }}>Keys never fire while you type in a field, a list box or the JSON editor. Escape closes this sheet.</p>
      </div>
    </div>
  );
}

/** The `?` sheet: every key of the debugger from its one table (runActions.ts), and the keys of other views. */
export function ShortcutSheet() {
  return useShortcutSheetOpen() ? <Sheet /> : null;
}
