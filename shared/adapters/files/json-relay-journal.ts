import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RelayJournal, RelayState } from '../../media-events/relay-ports.ts';

/** The relay's state in a JSON file, replaced atomically (write a temporary file, then rename). */
export function createJsonRelayJournal(file: string): RelayJournal {
  return {
    async load() {
      try {
        return JSON.parse(await readFile(file, 'utf8')) as RelayState;
      } catch {
        return undefined;
      }
    },
    async save(state) {
      await mkdir(dirname(file), { recursive: true });
      const temporary = `${file}.${process.pid}.tmp`;
      await writeFile(temporary, JSON.stringify(state));
      await rename(temporary, file);
    },
  };
}
