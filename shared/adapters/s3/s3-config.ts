import { flag, text } from '../../kernel/env.ts';

/** The environment of every function that reads, deletes or checks stored audio (a zod shape to spread). */
export const storageEnv = {
  /** The private bucket recordings are stored in. */
  RECORDINGS_BUCKET: text(3),
  /**
   * Address the bucket in the path (`http://host/bucket/key`): for an S3 emulator (e.g. under
   * `sam local invoke`, with `AWS_ENDPOINT_URL_S3`); never needed in AWS.
   */
  S3_FORCE_PATH_STYLE: flag,
};
