/**
 * The kernel worker: opens the studio database and exposes the StudioApi to the page
 * (src/bridge/client.ts wraps it). Everything it does lives in studioApi.ts, testable in Node.
 */
import * as Comlink from 'comlink';
import { StudioDb } from '../persist';
import { createStudioApi } from './studioApi';

Comlink.expose(createStudioApi(new StudioDb()));
