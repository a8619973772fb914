import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { wavSizeBytes } from '../../recordings/recording-location.ts';

/** Format of simulated recordings: what a narrow-band phone call records as. */
export const SIMULATED_SAMPLE_RATE = 8000;

/**
 * Writes a 16-bit mono PCM WAV of `samples` samples (a quiet 440 Hz tone, so it is audibly real),
 * streaming in chunks so long recordings do not sit in memory. Returns the file size in bytes.
 */
export async function writeWavFile(
  path: string,
  samples: number,
  sampleRate = SIMULATED_SAMPLE_RATE,
): Promise<number> {
  await mkdir(dirname(path), { recursive: true });
  const out = createWriteStream(path);
  out.write(wavHeader(samples, sampleRate));
  const chunkSamples = sampleRate; // one second per chunk
  for (let written = 0; written < samples; written += chunkSamples) {
    const count = Math.min(chunkSamples, samples - written);
    const chunk = Buffer.alloc(count * 2);
    for (let i = 0; i < count; i += 1) {
      const t = (written + i) / sampleRate;
      chunk.writeInt16LE(Math.round(2000 * Math.sin(2 * Math.PI * 440 * t)), i * 2);
    }
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return wavSizeBytes(samples);
}

/** The 44-byte RIFF/WAVE header of 16-bit mono PCM. */
function wavHeader(samples: number, sampleRate: number): Buffer {
  const dataBytes = samples * 2;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16); // PCM fmt chunk size
  header.writeUInt16LE(1, 20); // linear PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28); // byte rate
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);
  return header;
}
