/**
 * Whether a key event's target is where a person types: a text input, a textarea, a list box
 * (a select takes letters and arrows), an editable element or Monaco. Global shortcuts (the debugger's function keys, the document's undo) leave
 * such keys to it, as VS Code and DevTools do.
 */
const NOT_TEXT = new Set(['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file', 'image']);

export function isTextEntry(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  if (target.closest('.monaco-editor')) return true;
  if (target instanceof HTMLInputElement) return !NOT_TEXT.has(target.type);
  return target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement || (target instanceof HTMLElement && target.isContentEditable);
}
