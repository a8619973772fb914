import type { S3Client } from '@aws-sdk/client-s3';
import type { RecordingMedia } from '../../archive/ports.ts';
import { presignerSdk, s3Sdk } from '../aws/aws-sdk.ts';
import { withDependencyErrors } from '../aws/dependency-errors.ts';

/**
 * {@link RecordingMedia} on an S3 bucket. Download links are pre-signed GETs of one object that also make
 * S3 answer with `Content-Type: audio/wav`, `Content-Disposition: attachment` and `Cache-Control:
 * no-store`, so the audio is neither shown inline nor cached on the way. Outages answer 503.
 */
export function createS3RecordingMedia(s3: () => S3Client, bucket: string): RecordingMedia {
  // Built on first use: most requests never touch storage, and the S3 SDK is large to load.
  let client: S3Client | undefined;
  const connected = () => {
    client ??= withDependencyErrors(s3(), 'recording storage');
    return client;
  };
  return {
    async downloadUrl(key, options) {
      const { GetObjectCommand } = s3Sdk();
      const command = new GetObjectCommand({
        Bucket: bucket,
        Key: key,
        ResponseContentType: 'audio/wav',
        ResponseContentDisposition: `attachment; filename="${options.fileName}"`,
        ResponseCacheControl: 'no-store',
      });
      return presignerSdk().getSignedUrl(s3(), command, { expiresIn: options.expiresInSeconds });
    },
    async remove(key) {
      const { DeleteObjectCommand } = s3Sdk();
      await connected().send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    async sizeOf(key) {
      const { HeadObjectCommand, NotFound } = s3Sdk();
      try {
        const head = await connected().send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return head.ContentLength ?? 0;
      } catch (error) {
        // Without s3:ListBucket (nobody has it), S3 answers a missing object's HEAD with 403, not 404.
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (error instanceof NotFound || status === 404 || status === 403) return undefined;
        throw error;
      }
    },
  };
}
