/**
 * Finds where JSON text first goes wrong, as an offset. JSON.parse's messages do not always
 * carry a position (V8 often says only "Unexpected token"), and a user needs line and column.
 * Iterative (an explicit stack of open containers) and linear, so no text, however deep or
 * long, makes it overflow or stall. -1 when the text is valid JSON.
 */
export function locateJsonError(text: string): number {
  const n = text.length;
  let i = 0;
  /** Open containers: '{' or '['. */
  const open: string[] = [];
  const ws = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return;
      i++;
    }
  };
  /** Reads a string starting at its quote; false at the offending character. */
  const string = (): boolean => {
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return true;
      }
      if (c < 0x20) return false;
      if (c === 92) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            i++;
            return false;
          }
          i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) {
          i++;
          return false;
        }
        i += 2;
        continue;
      }
      i++;
    }
    return false;
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  /** A key and its colon; false at the offending character. */
  const key = (): boolean => {
    ws();
    if (text[i] !== '"' || !string()) return false;
    ws();
    if (text[i] !== ':') return false;
    i++;
    return true;
  };
  let state: 'value' | 'opened' | 'after' = 'value';
  for (;;) {
    ws();
    const c = text[i];
    if (state === 'value') {
      if (c === '{' || c === '[') {
        open.push(c);
        i++;
        state = 'opened';
        continue;
      }
      if (c === '"') {
        if (!string()) return i;
      } else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
        NUMBER.lastIndex = i;
        const m = NUMBER.exec(text);
        if (!m) return i;
        i += m[0].length;
      } else {
        const word = ['true', 'false', 'null'].find((w) => text.startsWith(w, i));
        if (word === undefined) return i;
        i += word.length;
      }
      state = 'after';
      continue;
    }
    const top = open[open.length - 1];
    if (top === undefined) return i < n ? i : -1;
    if (c === (top === '{' ? '}' : ']')) {
      open.pop();
      i++;
      state = 'after';
      continue;
    }
    if (state === 'after') {
      if (c !== ',') return i;
      i++;
    }
    if (top === '{' && !key()) return i;
    state = 'value';
  }
}
