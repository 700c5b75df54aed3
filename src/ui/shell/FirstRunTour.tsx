/**
 * The first-run overlay: numbered markers on Run, the scrubber, the run views and the `?`
 * shortcut sheet, explained in one card. Dismissed once (button or Escape), it never shows
 * again in this browser. It never blocks the page: only the card takes clicks.
 */
import { useEffect, useState } from 'react';

/** localStorage flag: set once the tour was dismissed. */
export const TOUR_DONE_KEY = 'hs.tour.done';

interface Stop {
  n: number;
  /** Where the marker sits; a stop whose target is not on the page has no marker. */
  selector: string;
  /** Above the target's centre (default), or just right of it: the run views' tab row has the toolbar right above it. */
  place?: 'above' | 'right';
  title: string;
  text: string;
}

const STOPS: readonly Stop[] = [
  { n: 1, selector: '[data-testid="run-button"]', title: 'Run', text: 'runs the harness in a Web Worker on the offline sim CPU (F8).' },
  { n: 2, selector: '[data-testid="scrubber"]', title: 'The scrubber', text: 'travels in time: drag it, or click any event; Back (F9) steps back.' },
  { n: 3, selector: '[role="tablist"][aria-label="Run views"] [role="tab"]:last-child', place: 'right', title: 'The views', text: 'Scheduler, Memory, Permissions, Messages and Termination all follow the same cursor. Double-click a tab to maximise the panel.' },
  { n: 4, selector: '[data-testid="shortcuts-button"]', title: '?', text: '(the Keys button) lists every key of the debugger.' },
];

function tourDone(): boolean {
  try {
    return localStorage.getItem(TOUR_DONE_KEY) !== null;
  } catch {
    return true; // no storage: the tour could never be dismissed for good, so it does not show
  }
}

/** Where each stop's marker goes, measured from the page (null when its target is absent). */
function measure(): (DOMRect | null)[] {
  return STOPS.map((s) => document.querySelector(s.selector)?.getBoundingClientRect() ?? null);
}

export function FirstRunTour() {
  const [open, setOpen] = useState(() => !tourDone());
  const [rects, setRects] = useState<(DOMRect | null)[]>([]);

  useEffect(() => {
    if (!open) return;
    const update = (): void => setRects(measure());
    update();
    // The panels load and move after the first paint (and the user may resize them): follow them.
    const timer = setInterval(update, 400);
    window.addEventListener('resize', update);
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') dismiss();
    };
    window.addEventListener('keydown', onKey);
    return () => {
      clearInterval(timer);
      window.removeEventListener('resize', update);
      window.removeEventListener('keydown', onKey);
    };
  }, [open]);

  function dismiss(): void {
    try {
      localStorage.setItem(TOUR_DONE_KEY, '1');
    } catch {
      // storage blocked: it closes for this page only
    }
    setOpen(false);
  }

  if (!open) return null;
  return (
    <div className="hs-tour" data-testid="first-run-tour">
      {STOPS.map((s, i) => {
        const r = rects[i];
        if (!r || r.width === 0) return null;
        const at = s.place === 'right' ? { left: r.right + 6, top: r.top + r.height / 2 - 10 } : { left: r.left + r.width / 2 - 10, top: Math.max(0, r.top - 22) };
        return (
          <span key={s.n} className="hs-tour__marker" style={at} data-testid={`tour-marker-${s.n}`} aria-hidden="true">
            {s.n}
          </span>
        );
      })}
      <section className="hs-tour__card" role="dialog" aria-modal="false" aria-labelledby="hs-tour-title">
        <h2 id="hs-tour-title">Welcome to Harness Studio</h2>
        <ol>
          {STOPS.map((s) => (
            <li key={s.n}>
              <b>{s.title}</b> {s.text}
            </li>
          ))}
        </ol>
        <button type="button" className="hs-btn hs-btn--primary" onClick={dismiss} data-testid="tour-dismiss" autoFocus>
          Got it
        </button>
      </section>
    </div>
  );
}
