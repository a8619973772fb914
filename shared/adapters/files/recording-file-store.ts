import { open, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordingFileInfo, RecordingFileStore } from '../../media-events/relay-ports.ts';
import type { ClosedFile } from '../../media-events/types.ts';

/**
 * The recordings directory as the relay reads it on the media server's disk. `root` is the fixed part
 * of the path template (where every recording lives); `isOurs` keeps only files named by the template.
 */
export function createRecordingFileStore(
  root: string,
  isOurs: (path: string) => boolean,
): RecordingFileStore {
  async function walk(dir: string, sinceMs: number, found: RecordingFileInfo[]) {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path, sinceMs, found);
      else if (entry.isFile() && isOurs(path)) {
        const info = await stat(path).catch(() => undefined);
        if (info && info.mtimeMs >= sinceMs) found.push({ path, modifiedAtMs: info.mtimeMs });
      }
    }
  }
  return {
    async list(sinceMs) {
      const found: RecordingFileInfo[] = [];
      await walk(root, sinceMs, found);
      return found;
    },
    facts: readWavFacts,
    async remove(path) {
      await rm(path, { force: true });
    },
  };
}

/**
 * The length and size of a closed WAV file, from its format header and its size on disk (not from the
 * header's data length, which a writer that died never filled in). A missing file was discarded.
 */
async function readWavFacts(path: string): Promise<ClosedFile> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, 'r');
    const { size } = await handle.stat();
    const header = Buffer.alloc(44);
    await handle.read(header, 0, 44, 0);
    const byteRate = header.toString('ascii', 0, 4) === 'RIFF' ? header.readUInt32LE(28) : 16_000;
    const dataBytes = Math.max(0, size - 44);
    const durationMs = byteRate > 0 ? Math.floor((dataBytes * 1000) / byteRate) : 0;
    return { kind: 'closed', duration_ms: durationMs, size_bytes: size };
  } catch {
    return { kind: 'discarded' };
  } finally {
    await handle?.close();
  }
}
