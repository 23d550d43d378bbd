import { CreateStreamCommand, DescribeStreamSummaryCommand, GetRecordsCommand, GetShardIteratorCommand, KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { randomBytes } from 'node:crypto';
import { Agent } from 'node:http';
import { measureRate, rawJsonCall, type BenchSection } from './bench-kit.js';

const RECORD_BYTES = 1024;
const BATCH = 500;
const PHASE_MS = 4000;

/** PutRecords and GetRecords throughput through the endpoint, 1 KB records. */
export const kinesisSection: BenchSection = {
  name: 'kinesis',
  async run({ endpoint, region, report }) {
    const client = new KinesisClient({ endpoint, region, credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
    const data = randomBytes(RECORD_BYTES);
    const records = Array.from({ length: BATCH }, (_, index) => ({ Data: data, PartitionKey: `pk-${index}` }));
    try {
      await client.send(new CreateStreamCommand({ StreamName: 'bench', ShardCount: 1 }));
      while ((await client.send(new DescribeStreamSummaryCommand({ StreamName: 'bench' }))).StreamDescriptionSummary?.StreamStatus !== 'ACTIVE') {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const put = () => client.send(new PutRecordsCommand({ StreamName: 'bench', Records: records })).then(() => BATCH);
      const sequential = await measureRate(PHASE_MS, 1, put);
      report('PutRecords, SDK (h2c), 500 × 1 KB per call, 1 in flight', sequential.perSecond, 'records/s');
      const parallel = await measureRate(PHASE_MS, 4, put);
      report('PutRecords, SDK (h2c), 500 × 1 KB per call, 4 in flight', parallel.perSecond, 'records/s', `×${(parallel.perSecond / sequential.perSecond).toFixed(2)} vs 1 in flight`);

      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const rawBody = JSON.stringify({ StreamName: 'bench', Records: records.map((record) => ({ Data: record.Data.toString('base64'), PartitionKey: record.PartitionKey })) });
      const raw = await measureRate(PHASE_MS, 1, () => rawJsonCall(endpoint, agent, 'Kinesis_20131202.PutRecords', rawBody).then(() => BATCH));
      agent.destroy();
      report('PutRecords, plain HTTP/1.1 JSON (boto3-like, no SDK)', raw.perSecond, 'records/s', `SDK h2c = ×${(sequential.perSecond / raw.perSecond).toFixed(2)} of this`);

      const total = sequential.operations + parallel.operations + raw.operations;
      const started = performance.now();
      let read = 0;
      let iterator = (await client.send(new GetShardIteratorCommand({ StreamName: 'bench', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
      while (read < total && iterator) {
        const out = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
        read += out.Records?.length ?? 0;
        iterator = out.NextShardIterator;
        if ((out.Records?.length ?? 0) === 0) break;
      }
      report('GetRecords, SDK (h2c), Limit 10000, 1 KB records', read / ((performance.now() - started) / 1000), 'records/s', `${read} records read back`);
    } finally {
      client.destroy();
    }
  },
};
