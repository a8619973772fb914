import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';

/**
 * The objects every recording grant covers: `recordings/<customer_id>/<call_id>/<recording_id>.wav`. The
 * key format itself belongs to the runtime (shared/recordings/recording-object.ts).
 */
export const RECORDING_OBJECTS = 'recordings/*';

/** What differs between deployments. */
export interface RecordingBucketProps {
  /** Encrypts every recording (SSE-KMS); whoever reads or writes audio needs rights on it too. */
  encryptionKey: IKey;
  removalPolicy: RemovalPolicy;
  /** How long S3 server access logs are kept. */
  accessLogRetention: Duration;
}

/**
 * The private bucket holding recording audio, encrypted with a customer-managed key, TLS only, with its
 * server access logs in a bucket of their own. Nothing in it is ever public: downloads are pre-signed
 * by the `recordings` function after the API has checked the caller.
 */
export class RecordingBucket extends Construct {
  readonly bucket: Bucket;
  readonly key: IKey;
  readonly accessLogs: Bucket;

  constructor(scope: Construct, id: string, props: RecordingBucketProps) {
    super(scope, id);
    // Log delivery through a bucket policy, not the LogDeliveryWrite ACL, so both buckets can keep ACLs
    // disabled (BUCKET_OWNER_ENFORCED). Set here so the stack does not depend on cdk.json for it.
    this.node.setContext(S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
    this.key = props.encryptionKey;

    this.accessLogs = new Bucket(this, 'AccessLogs', {
      // S3 server access logging cannot deliver to a bucket whose default encryption is SSE-KMS.
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: props.accessLogRetention }],
      removalPolicy: props.removalPolicy,
    });

    // `Default` keeps this bucket's logical id `RecordingsBucket…`, as if it were created in the stack.
    this.bucket = new Bucket(this, 'Default', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.KMS,
      encryptionKey: props.encryptionKey,
      // One data key per bucket instead of per object: far fewer KMS calls (and KMS costs).
      bucketKeyEnabled: true,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Not versioned on purpose: DELETE /v1/recordings/{id} and the retention sweep must really remove
      // the audio, not leave a noncurrent version behind a delete marker.
      versioned: false,
      lifecycleRules: [
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'recordings-bucket/',
      // No autoDeleteObjects: it adds a custom-resource Lambda; a dev stack's bucket is emptied by hand.
      removalPolicy: props.removalPolicy,
    });
  }
}
