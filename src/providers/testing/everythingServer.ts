/**
 * The MCP reference server (`@modelcontextprotocol/server-everything`) for tests: started over
 * Streamable HTTP on 127.0.0.1 at a free port, or described as a stdio command. The HTTP server
 * logs one line per request it receives; `requests()` counts them, which is what the server saw.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The reference server's entry script. */
export const EVERYTHING_BIN = fileURLToPath(new URL('../../../node_modules/@modelcontextprotocol/server-everything/dist/index.js', import.meta.url));

/** The stdio command that starts it (for a document's mcpServers[].command / args). */
export const EVERYTHING_STDIO = { command: process.execPath, args: [EVERYTHING_BIN, 'stdio'] };

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface EverythingHttp {
  url: string;
  /** Requests the server received so far (POST, GET and DELETE on /mcp). */
  requests(): number;
  stop(): Promise<void>;
}

/** Starts the reference server over Streamable HTTP and waits until it listens. */
export async function startEverythingHttp(): Promise<EverythingHttp> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [EVERYTHING_BIN, 'streamableHttp'], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let count = 0;
  let out = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    const lines = out.split('\n');
    out = lines.pop() ?? '';
    for (const l of lines) if (/^Received (MCP (POST|GET) request|session termination request)/.test(l)) count += 1;
  });
  await new Promise<void>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`server-everything did not start: ${err}`)), 20_000);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (/listening on port/.test(err)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server-everything exited (${code}): ${err}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    requests: () => count,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}
