/**
 * The headless CLI: `npm run -s harness -- validate FILE` and
 * `npm run -s harness -- run FILE --seed N [--max-steps K] [--approve all|none] [--trace out.jsonl] [--json]`.
 * The same kernel as the studio, run in Node (bundled by scripts/run-ts.mjs).
 */
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { runCli, type CliIo } from './commands';

const nodeIo: CliIo = {
  readFile: (path) => readFileSync(path, 'utf8'),
  writeFile: (path, text) => writeFileSync(path, text),
  writeChunks: (path, chunks) => {
    const fd = openSync(path, 'w');
    try {
      for (const chunk of chunks) writeSync(fd, chunk);
    } finally {
      closeSync(fd);
    }
  },
  env: process.env,
};

const result = await runCli(process.argv.slice(2), nodeIo);
if (result.stdout) process.stdout.write(result.stdout);
if (result.stderr) process.stderr.write(result.stderr);
// exitCode, not exit(): let a piped stdout drain before the process ends.
process.exitCode = result.code;
