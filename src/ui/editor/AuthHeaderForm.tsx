import { useState, type FormEvent } from 'react';

/**
 * An auth header for a server the studio reaches (an MCP server, a remote agent): kept like an API
 * key, in this browser's settings and read only inside the worker. An empty value forgets it.
 */
export function AuthHeaderForm({ save, onSaved }: { save: (header: string, value: string | null) => Promise<void>; onSaved: () => void }) {
  const [header, setHeader] = useState('Authorization');
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    try {
      await save(header.trim(), value === '' ? null : value);
      onSaved();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <form className="hs-mcp__form" onSubmit={(e) => void submit(e)}>
      <input value={header} onChange={(e) => setHeader(e.target.value)} aria-label="Auth header name" />
      <input type="password" value={value} onChange={(e) => setValue(e.target.value)} placeholder="Bearer … (empty: forget)" aria-label="Auth header value" autoComplete="off" />
      <button type="submit">Save</button>
      {error && <span role="alert">{error}</span>}
    </form>
  );
}
