import type { RecordingMedia } from '../../../shared/archive/ports.ts';

/**
 * Object storage for unit tests: object sizes by key, download links that name the key and expiry, and
 * a switch that makes every call fail as an outage would.
 */
export function createInMemoryRecordingMedia() {
  const objects = new Map<string, number>();
  let down = false;
  const check = () => {
    if (down) throw new Error('storage is down');
  };
  const media: RecordingMedia = {
    async downloadUrl(key, options) {
      check();
      return `https://storage.test/${key}?expires_in=${options.expiresInSeconds}&file=${options.fileName}`;
    },
    async remove(key) {
      check();
      objects.delete(key);
    },
    async sizeOf(key) {
      check();
      return objects.get(key);
    },
  };
  return {
    media,
    objects,
    /** Makes storage fail (true) or work again (false). */
    setDown(value: boolean) {
      down = value;
    },
  };
}
