import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { RelayJournal, RelayState } from '../../media-events/relay-ports.ts';

/**
 * The relay's state in a JSON file, replaced atomically (write a temporary file, then rename). Saves
 * run one after another (the relay saves from its event chain and its uploads), each writing the state
 * as it was when asked.
 */
export function createJsonRelayJournal(file: string): RelayJournal {
  let writing: Promise<void> = Promise.resolve();
  async function write(json: string) {
    await mkdir(dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, json);
    await rename(temporary, file);
  }
  return {
    async load() {
      try {
        return JSON.parse(await readFile(file, 'utf8')) as RelayState;
      } catch {
        return undefined;
      }
    },
    save(state) {
      const json = JSON.stringify(state);
      writing = writing.catch(() => undefined).then(() => write(json));
      return writing;
    },
  };
}
