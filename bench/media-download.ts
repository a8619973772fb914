import type { APIGatewayProxyResult } from 'aws-lambda';
import { apiGatewayEvent } from '../scripts/local/api-gateway-event.ts';
import { objectKeyOfRecording } from '../shared/recordings/recording-object.ts';
import type { Recording } from '../shared/recordings/types.ts';
import { context, median } from './bench-helpers.ts';
import type { RoundTrips } from './round-trip-counter.ts';

/** The recordings function as the bench calls it: an API Gateway event in, the proxy result out. */
type RecordingsLambda = (event: ReturnType<typeof apiGatewayEvent>, ctx: typeof context) => Promise<unknown>;

/** One timed download: how long the handler took and the round trips it made. */
export interface DownloadSample {
  ms: number;
  trips: RoundTrips;
  location: string;
}

/**
 * Times `GET /v1/recordings/{id}/media` through the real recordings handler: it must answer 302 with a
 * `Location` pre-signed for the recording's own object in `bucket` of the S3 emulator at `s3Endpoint`
 * (path style), or the sample throws. The counter is reset before the request and read after it.
 */
export function createMediaDownloader(options: {
  handler: RecordingsLambda;
  apiKey: string;
  counter: { reset(): void; read(): RoundTrips };
  s3Endpoint: string;
  bucket: string;
}) {
  const { handler, apiKey, counter } = options;
  const s3Origin = new URL(options.s3Endpoint).origin;
  return async (recording: Pick<Recording, 'id' | 'customer_id' | 'call_id'>): Promise<DownloadSample> => {
    const event = apiGatewayEvent({
      method: 'GET',
      path: `/v1/recordings/${recording.id}/media`,
      headers: { authorization: `Bearer ${apiKey}` },
    });
    counter.reset();
    const started = performance.now();
    const result = (await handler(event, context)) as APIGatewayProxyResult;
    const ms = performance.now() - started;
    const trips = counter.read();
    if (result.statusCode !== 302)
      throw new Error(`media download answered ${result.statusCode}: ${result.body}`);
    const location = String(result.headers?.Location ?? result.headers?.location ?? '');
    const url = new URL(location);
    const expectedPath = `/${options.bucket}/${objectKeyOfRecording(recording)}`;
    // Pre-signed for this one object: the emulator's origin, the object's path, a SigV4 signature.
    if (
      url.origin !== s3Origin ||
      decodeURIComponent(url.pathname) !== expectedPath ||
      !url.searchParams.has('X-Amz-Signature') ||
      !url.searchParams.has('X-Amz-Expires')
    )
      throw new Error(`media download redirected to ${location}, not a pre-signed ${expectedPath}`);
    return { ms, trips, location };
  };
}

/**
 * Follows one redirect's `Location` (not timed): the S3 emulator must serve the audio behind it, so
 * the link the figure times is a working one. Returns the bytes served.
 */
export async function followDownloadLink(location: string): Promise<number> {
  const response = await fetch(location);
  const body = new Uint8Array(await response.arrayBuffer());
  // A WAV file: a 44-byte header at the least, starting "RIFF".
  const riff = new TextDecoder().decode(body.subarray(0, 4));
  if (response.status !== 200 || body.byteLength < 44 || riff !== 'RIFF')
    throw new Error(`the download link answered ${response.status} with ${body.byteLength} bytes`);
  return body.byteLength;
}

/**
 * The round trips of the download samples, each the median over samples (the counts are the same every
 * time unless a retry happened): DynamoDB reads (key, recording and call in one BatchGetItem), DynamoDB
 * writes (the application's allowance) and SQS requests.
 */
export function downloadRoundTrips(samples: DownloadSample[]) {
  const dynamodb = (s: DownloadSample) => s.trips.commands.filter((c) => c.startsWith('dynamodb:'));
  const reads = samples.map((s) => dynamodb(s).filter((c) => /(Get|Query|Scan)/.test(c)).length);
  const all = samples.map((s) => dynamodb(s).length);
  return {
    dynamodb_reads: median(reads),
    dynamodb_writes: median(all.map((n, i) => n - (reads[i] ?? 0))),
    sqs: median(samples.map((s) => s.trips.sqs)),
  };
}
