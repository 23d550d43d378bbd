// Entry point of one decrypt worker thread: decrypts batches of records with @das/core, asking
// the main thread for data keys (it holds the process's one KMS client and data-key cache).
import { parentPort, workerData } from 'node:worker_threads';
import { decodeRecord } from './decode-record.js';
import { unpackRecords } from './record-batch.js';
import { createRemoteDataKeys } from './remote-data-keys.js';
import type { FromThread, ThreadInit, ToThread } from './thread-protocol.js';

export type { FromThread, ThreadInit, ToThread } from './thread-protocol.js';

const init = workerData as ThreadInit;
const port = parentPort;
if (port === null) throw new Error('decrypt-thread runs as a worker thread');
const post = (message: FromThread) => port.postMessage(message);
const keys = createRemoteDataKeys((id, wanted) => post({ type: 'keys', id, keys: wanted }));
const ctx = { resourceId: init.resourceId, decryptEngine: init.decryptEngine, resolveDataKey: keys.resolveDataKey };

port.on('message', (message: ToThread) => {
  if (message.type === 'keys') {
    keys.answer(message.id, message.answers);
    return;
  }
  void (async () => {
    // All records start together: their key requests leave as one message.
    const outcomes = await Promise.all(unpackRecords(message.records).map((data) => decodeRecord(data, ctx)));
    post({ type: 'decoded', id: message.id, outcomes: JSON.stringify(outcomes) });
  })();
});
