import { CreateKeyCommand, DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { createCipheriv, randomBytes } from 'node:crypto';
import { Agent } from 'node:http';
import { measureRate, rawJsonCall, type BenchSection } from './bench-kit.js';

const PHASE_MS = 3000;

/** KMS GenerateDataKey and Decrypt calls/s through the endpoint (the worker's data-key path). */
export const kmsSection: BenchSection = {
  name: 'kms',
  async run({ endpoint, region, report }) {
    const client = new KMSClient({ endpoint, region, credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
    try {
      const keyId = (await client.send(new CreateKeyCommand({ Description: 'bench' }))).KeyMetadata!.KeyId!;
      const context = { 'aws:rds:dbc-id': 'cluster-BENCHBENCHBENCHBENCHBENCHBE' };
      const generate = () => client.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: context })).then(() => 1);
      const blob = (await client.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: context }))).CiphertextBlob!;
      const decrypt = () => client.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: context })).then(() => 1);

      // Baseline: the same AES-256-GCM work in process, no HTTP, no SDK.
      const key = randomBytes(32);
      const local = await measureRate(1000, 1, async () => {
        const cipher = createCipheriv('aes-256-gcm', key, randomBytes(12));
        cipher.setAAD(Buffer.from(JSON.stringify(Object.entries(context))));
        cipher.update(randomBytes(32));
        cipher.final();
        cipher.getAuthTag();
        return 1;
      });
      report('AES-256-GCM data-key wrap in process (baseline)', local.perSecond, 'ops/s');
      for (const [label, task] of [
        ['GenerateDataKey', generate],
        ['Decrypt', decrypt],
      ] as const) {
        const one = await measureRate(PHASE_MS, 1, task);
        report(`${label}, SDK (HTTP/1.1), 1 in flight`, one.perSecond, 'calls/s', `${(one.perSecond / local.perSecond * 100).toFixed(1)} % of the in-process baseline`);
        const eight = await measureRate(PHASE_MS, 8, task);
        report(`${label}, SDK (HTTP/1.1), 8 in flight`, eight.perSecond, 'calls/s', `×${(eight.perSecond / one.perSecond).toFixed(2)} vs 1 in flight`);
      }
      // The same calls without the SDK: what the emulator itself sustains.
      const agent = new Agent({ keepAlive: true, maxSockets: 8 });
      const rawBody = JSON.stringify({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: context });
      const raw = await measureRate(PHASE_MS, 8, () => rawJsonCall(endpoint, agent, 'TrentService.GenerateDataKey', rawBody).then(() => 1));
      agent.destroy();
      report('GenerateDataKey, plain HTTP/1.1 (no SDK), 8 in flight', raw.perSecond, 'calls/s');
    } finally {
      client.destroy();
    }
  },
};
