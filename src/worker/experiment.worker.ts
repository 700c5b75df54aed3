/**
 * A Web Worker of the studio's experiment pool (src/bridge/experimentWorkers.ts starts as many
 * as the machine has cores): it runs batches of experiment jobs with the kernel and replies
 * packed results.
 */
import { serveExperimentPort, type ReplyPort } from './experimentServe';

serveExperimentPort(self as unknown as ReplyPort);
