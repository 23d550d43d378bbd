import Type from 'typebox';

/** The `type` every Kinesis envelope written by DAS carries (plural). */
export const ENVELOPE_TYPE = 'DatabaseActivityMonitoringRecords';
/** The `type` of the decrypted payload (singular). */
export const PAYLOAD_TYPE = 'DatabaseActivityMonitoringRecord';

/**
 * The JSON object in a Kinesis record's `Data` (das-format.md §1). `version` is any string:
 * 1.0–1.4 are documented, later contract versions must still be read.
 */
export const DasEnvelopeSchema = Type.Object(
  {
    type: Type.Literal(ENVELOPE_TYPE),
    version: Type.String({ minLength: 1, maxLength: 32 }),
    /** base64 of an AWS Encryption SDK message (gzipped payload). */
    databaseActivityEvents: Type.String({ minLength: 1 }),
    /** base64 of the KMS CiphertextBlob of the data key. */
    key: Type.String({ minLength: 1 }),
  },
  { additionalProperties: true },
);
export type DasEnvelope = Type.Static<typeof DasEnvelopeSchema>;

/** The contract versions das-format.md documents (1.0–1.4). */
export const KNOWN_CONTRACT_VERSIONS: readonly string[] = ['1.0', '1.1', '1.2', '1.3', '1.4'];

/**
 * How a reader treats an envelope's `version`: a documented one is `known`; a later 1.x is `newer`
 * (Aurora adds fields over time: decode it, keep what it adds in the raw event); anything that is
 * not `<major>.<minor>` with major 1 is `unsupported`.
 */
export function contractVersionStatus(version: string): 'known' | 'newer' | 'unsupported' {
  if (KNOWN_CONTRACT_VERSIONS.includes(version)) return 'known';
  return /^1\.\d{1,4}$/.test(version) ? 'newer' : 'unsupported';
}
