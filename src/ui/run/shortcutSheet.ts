/**
 * Whether the shortcut sheet is open: ephemeral UI state of its own (a tiny external store read
 * with useSyncExternalStore), so the `?` action in runActions.ts can open it without a component.
 */
import { useSyncExternalStore } from 'react';

let open = false;
const listeners = new Set<() => void>();

function set(next: boolean): void {
  if (open === next) return;
  open = next;
  for (const l of listeners) l();
}

export const openShortcutSheet = (): void => set(true);
export const closeShortcutSheet = (): void => set(false);

/** True while the sheet is shown. */
export function useShortcutSheetOpen(): boolean {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => open,
  );
}
