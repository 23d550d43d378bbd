#!/usr/bin/env python3
"""An independent reader of a DAS activity stream, in the shape of the lab's das_reader.py.

It uses only boto3 (HTTP/1.1 to every service, as the AWS CLI and boto3 do) and the
`cryptography` package: KMS Decrypt of the envelope's key with the cluster's encryption context,
then the AWS Encryption SDK message format v1 decoded from its specification (raw AES keyring
"BC"/"DataKey", HKDF, header auth, frames, ECDSA footer), then gunzip and JSON. The test suite
runs it against the emulator to prove that clients other than ours read what we produce.
Prints one JSON line per activity event.
"""
import argparse
import base64
import gzip
import json
import struct
import sys

import boto3
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

# suite id -> (HKDF hash or None, key bytes, signature curve or None)
SUITES = {
    0x0014: (None, 16, None), 0x0046: (None, 24, None), 0x0078: (None, 32, None),
    0x0114: (hashes.SHA256, 16, None), 0x0146: (hashes.SHA256, 24, None), 0x0178: (hashes.SHA256, 32, None),
    0x0214: (hashes.SHA256, 16, ec.SECP256R1), 0x0346: (hashes.SHA384, 24, ec.SECP384R1),
    0x0378: (hashes.SHA384, 32, ec.SECP384R1),
}


class Cursor:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, n):
        if self.pos + n > len(self.data):
            raise ValueError("message truncated")
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def u8(self):
        return self.take(1)[0]

    def u16(self):
        return struct.unpack(">H", self.take(2))[0]

    def u32(self):
        return struct.unpack(">I", self.take(4))[0]

    def u64(self):
        return struct.unpack(">Q", self.take(8))[0]


def serialize_context(context):
    if not context:
        return b""
    out = struct.pack(">H", len(context))
    for key in sorted(context, key=lambda k: k.encode()):
        k, v = key.encode(), context[key].encode()
        out += struct.pack(">H", len(k)) + k + struct.pack(">H", len(v)) + v
    return out


def decrypt_message(message, wrapping_key):
    c = Cursor(message)
    if c.u8() != 1 or c.u8() != 0x80:
        raise ValueError("not an Encryption SDK v1 message")
    suite = c.u16()
    kdf_hash, key_len, curve = SUITES[suite]
    message_id = c.take(16)
    context = {}
    aad = Cursor(c.take(c.u16()))
    if aad.data:
        for _ in range(aad.u16()):
            key = aad.take(aad.u16()).decode()
            context[key] = aad.take(aad.u16()).decode()
    data_key = None
    for _ in range(c.u16()):
        provider = c.take(c.u16())
        info = c.take(c.u16())
        edk = c.take(c.u16())
        if provider == b"BC" and info.startswith(b"DataKey"):
            iv = info[len(b"DataKey") + 8:]
            data_key = AESGCM(wrapping_key).decrypt(iv, edk, serialize_context(context))
    if data_key is None:
        raise ValueError("no BC/DataKey encrypted data key")
    content_type = c.u8()
    c.take(4)  # reserved
    iv_len = c.u8()
    frame_len = c.u32()
    header_end = c.pos
    header_iv, header_tag = c.take(iv_len), c.take(16)
    if kdf_hash:
        key = HKDF(algorithm=kdf_hash(), length=key_len, salt=None, info=struct.pack(">H", suite) + message_id).derive(data_key)
    else:
        key = data_key
    aes = AESGCM(key)
    aes.decrypt(header_iv, header_tag, message[:header_end])  # header authentication
    plaintext = b""
    if content_type != 2:
        raise ValueError("only framed bodies are expected")
    while True:
        seq = c.u32()
        if seq == 0xFFFFFFFF:
            seq = c.u32()
            iv = c.take(iv_len)
            length = c.u32()
            body = c.take(length) + c.take(16)
            label = b"AWSKMSEncryptionClient Final Frame"
        else:
            iv = c.take(iv_len)
            length = frame_len
            body = c.take(length) + c.take(16)
            label = b"AWSKMSEncryptionClient Frame"
        plaintext += aes.decrypt(iv, body, message_id + label + struct.pack(">IQ", seq, length))
        if label.endswith(b"Final Frame"):
            break
    if curve:
        signed_end = c.pos
        signature = c.take(c.u16())
        point = base64.b64decode(context["aws-crypto-public-key"])
        public_key = ec.EllipticCurvePublicKey.from_encoded_point(curve(), point)
        digest = hashes.SHA384() if curve is ec.SECP384R1 else hashes.SHA256()
        public_key.verify(signature, message[:signed_end], ec.ECDSA(digest))
    if c.pos != len(message):
        raise ValueError("trailing bytes after the message")
    return plaintext


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-r", "--region", required=True)
    parser.add_argument("-i", "--resource-id", required=True)
    parser.add_argument("-s", "--stream-name", required=True)
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--max-events", type=int, default=50)
    args = parser.parse_args()

    session = boto3.session.Session(region_name=args.region)
    kinesis = session.client("kinesis", endpoint_url=args.endpoint)
    kms = session.client("kms", endpoint_url=args.endpoint)
    shown = 0
    for shard in kinesis.list_shards(StreamName=args.stream_name)["Shards"]:
        iterator = kinesis.get_shard_iterator(StreamName=args.stream_name, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        while iterator and shown < args.max_events:
            page = kinesis.get_records(ShardIterator=iterator, Limit=100)
            for record in page["Records"]:
                envelope = json.loads(record["Data"])
                if envelope.get("type") != "DatabaseActivityMonitoringRecords":
                    continue
                plain_key = kms.decrypt(
                    CiphertextBlob=base64.b64decode(envelope["key"]),
                    EncryptionContext={"aws:rds:dbc-id": args.resource_id},
                )["Plaintext"]
                payload = json.loads(gzip.decompress(decrypt_message(base64.b64decode(envelope["databaseActivityEvents"]), plain_key)))
                for event in payload["databaseActivityEventList"]:
                    if shown < args.max_events:
                        print(json.dumps({"sequenceNumber": record["SequenceNumber"], "event": event}), flush=True)
                        shown += 1
            if not page["Records"] and page.get("MillisBehindLatest", 0) == 0:
                break
            iterator = page.get("NextShardIterator")
    return 0


if __name__ == "__main__":
    sys.exit(main())
