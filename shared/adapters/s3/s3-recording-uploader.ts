import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { RecordingUploader } from '../../media-events/relay-ports.ts';

/**
 * The relay's uploads: one PutObject per finished recording, streamed from disk with its exact length
 * and its MD5 (S3 refuses the object if the bytes it received differ). The bucket's default encryption
 * (KMS) applies. A static import: the relay is one self-contained bundle.
 */
export function createS3RecordingUploader(client: S3Client, bucket: string): RecordingUploader {
  return {
    async upload(path, key, sizeBytes) {
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: createReadStream(path),
          ContentLength: sizeBytes,
          ContentMD5: await md5Base64(path),
          ContentType: 'audio/wav',
        }),
      );
    },
  };
}

/** The file's MD5, base64 (the Content-MD5 header). */
async function md5Base64(path: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('base64');
}
