/** Closing the Experiments page (after a run opens in the debugger) is the page's: it passes it down by context. */
import { createContext } from 'react';

export const CloseContext = createContext<() => void>(() => undefined);
