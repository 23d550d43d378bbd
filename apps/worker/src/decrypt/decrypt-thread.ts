// Entry point of one decrypt worker thread: decrypts records with its own KMS client and data-key cache.
import { parentPort, workerData } from 'node:worker_threads';
import { createDataKeyCache, kmsPortFromClient } from '@das/core';
import { createKmsClient, type AwsSettings } from '../aws/aws-clients.js';
import { decodeRecord, type DecodeOutcome } from './decode-record.js';

export interface ThreadInit {
  resourceId: string;
  aws: AwsSettings;
}
export interface ThreadRequest {
  id: number;
  records: Uint8Array[];
}
export interface ThreadReply {
  id: number;
  outcomes: DecodeOutcome[];
  stats: { hits: number; misses: number; kmsCalls: number };
}

const init = workerData as ThreadInit;
const ctx = { kms: kmsPortFromClient(createKmsClient(init.aws)), resourceId: init.resourceId, cache: createDataKeyCache() };

parentPort?.on('message', (request: ThreadRequest) => {
  void (async () => {
    const outcomes: DecodeOutcome[] = [];
    for (const data of request.records) outcomes.push(await decodeRecord(data, ctx));
    const reply: ThreadReply = { id: request.id, outcomes, stats: { ...ctx.cache.stats } };
    parentPort?.postMessage(reply);
  })();
});
