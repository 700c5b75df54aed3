/**
 * The headless CLI: `npm run -s harness -- validate FILE` and
 * `npm run -s harness -- run FILE --seed N [--max-steps K] [--approve all|none] [--trace out.jsonl] [--json]`,
 * `harness experiment EXP.json [--workers N] [--json]` and `harness merge FILES...`.
 * The same kernel as the studio, run in Node (bundled by scripts/run-ts.mjs).
 */
import { appendFileSync, closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isMainThread } from 'node:worker_threads';
import { runCli, type CliIo } from './commands';
import { serveExperimentJobs } from './experimentWorker';
import { ZLIB_CODEC } from './zlibCodec';

if (!isMainThread) {
  // `harness experiment --workers N` starts this same bundle in worker threads to run its jobs.
  serveExperimentJobs();
} else {
  const nodeIo: CliIo = {
    readFile: (path) => readFileSync(path, 'utf8'),
    writeFile: (path, text) => writeFileSync(path, text),
    appendFile: (path, text) => appendFileSync(path, text),
    writeChunks: (path, chunks) => {
      const fd = openSync(path, 'w');
      try {
        for (const chunk of chunks) writeSync(fd, chunk);
      } finally {
        closeSync(fd);
      }
    },
    env: process.env,
    workerEntry: new URL(import.meta.url),
    cores: availableParallelism(),
    progress: { tty: process.stderr.isTTY === true, write: (text) => void process.stderr.write(text) },
    spillCodec: ZLIB_CODEC,
  };
  const result = await runCli(process.argv.slice(2), nodeIo);
  if (result.stdout) process.stdout.write(result.stdout);
  if (result.stderr) process.stderr.write(result.stderr);
  // exitCode, not exit(): let a piped stdout drain before the process ends.
  process.exitCode = result.code;
}
