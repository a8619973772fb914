import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** What the simulated FreeSWITCH records: 16-bit mono linear PCM at 8 kHz, FreeSWITCH's `.wav` default. */
export const SAMPLE_RATE = 8000;

/** Bytes of the RIFF/WAVE header FreeSWITCH writes. */
export const WAV_HEADER_BYTES = 44;

/** Creates the file a recording starts with: only its header (FreeSWITCH's file while recording). */
export async function writeHeaderOnly(path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, wavHeader(0));
}

/**
 * Writes the finished recording: the header, then `samples` samples of a quiet 440 Hz tone (audibly
 * real) with silence over the `masked` sample ranges (`uuid_record … mask` writes silence and keeps the
 * length), streamed in one-second chunks so long recordings do not sit in memory. `finalHeader: false`
 * leaves the header's lengths at 0, as a file whose writer died before closing it; `header: false`
 * writes bare samples (FreeSWITCH's native `-in.L16`/`-out.L16` files). Returns its size.
 */
export async function writeRecording(
  path: string,
  samples: number,
  options: { finalHeader?: boolean; header?: boolean; masked?: [number, number][] } = {},
): Promise<number> {
  const { finalHeader = true, header = true, masked = [] } = options;
  await mkdir(dirname(path), { recursive: true });
  const out = createWriteStream(path);
  if (header) out.write(wavHeader(finalHeader ? samples : 0));
  for (let written = 0; written < samples; written += SAMPLE_RATE) {
    const count = Math.min(SAMPLE_RATE, samples - written);
    const chunk = Buffer.alloc(count * 2);
    for (let i = 0; i < count; i += 1) {
      const n = written + i;
      if (masked.some(([from, to]) => n >= from && n < to)) continue; // zeros: silence
      chunk.writeInt16LE(Math.round(2000 * Math.sin((2 * Math.PI * 440 * n) / SAMPLE_RATE)), i * 2);
    }
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return (header ? WAV_HEADER_BYTES : 0) + samples * 2;
}

/** The 44-byte RIFF/WAVE header of 16-bit mono PCM at 8 kHz. */
function wavHeader(samples: number): Buffer {
  const dataBytes = samples * 2;
  const header = Buffer.alloc(WAV_HEADER_BYTES);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16); // PCM fmt chunk size
  header.writeUInt16LE(1, 20); // linear PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(SAMPLE_RATE, 24);
  header.writeUInt32LE(SAMPLE_RATE * 2, 28); // byte rate
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);
  return header;
}
