/**
 * Where the fleet's Event Socket password comes from (one password for every node). Connections
 * authenticate with {@link current}; when FreeSWITCH refuses it, {@link afterRefusal} says whether
 * another password is worth one more try: the secret may have been rotated since it was read.
 */
export interface EslPasswordSource {
  /** The password to authenticate with now. */
  current(): string;
  /**
   * FreeSWITCH refused `refused`: the password to try once more, or undefined when there is none. Throws
   * when reading the source failed.
   */
  afterRefusal(refused: string): Promise<string | undefined>;
}

/** A password that cannot change while the process runs (`ESL_PASSWORD`: nothing to read again). */
export function fixedEslPassword(password: string): EslPasswordSource {
  return { current: () => password, afterRefusal: async () => undefined };
}

/** Settings of {@link rereadableEslPassword}. */
export interface RereadOptions {
  /**
   * Reads again at least this far apart, so a wrong secret, or a switch refusing every password, does
   * not turn each request into a read of the secret store.
   */
  minIntervalMs?: number;
  now?: () => number;
}

/** How often, at most, a process reads the secret again (about 30 s). */
export const ESL_PASSWORD_REREAD_MS = 30_000;

/**
 * A password read from a store that may change (Secrets Manager): read once now (at cold start), and
 * again when FreeSWITCH refuses it, at most once per `minIntervalMs`. What a refusal gets to try:
 *
 * - the current value, when it is not the one refused (another connection has read the new one);
 * - else a fresh read, when it holds another value (the secret was rotated; refusals at the same moment
 *   share one read);
 * - else the value it held before the last change, if any: while a rotation reloads the nodes one by
 *   one, those not reloaded yet still want the old password.
 */
export async function rereadableEslPassword(
  read: () => Promise<string>,
  options: RereadOptions = {},
): Promise<EslPasswordSource> {
  const minIntervalMs = options.minIntervalMs ?? ESL_PASSWORD_REREAD_MS;
  const now = options.now ?? Date.now;
  let value = await read();
  let previous: string | undefined;
  let rereadAt = Number.NEGATIVE_INFINITY;
  let reading: Promise<void> | undefined;

  function reread(): Promise<void> {
    rereadAt = now();
    reading = read()
      .then((fresh) => {
        if (fresh === value) return;
        previous = value;
        value = fresh;
      })
      .finally(() => {
        reading = undefined;
      });
    return reading;
  }

  return {
    current: () => value,
    async afterRefusal(refused) {
      if (value !== refused) return value;
      if (reading) await reading;
      else if (now() - rereadAt >= minIntervalMs) await reread();
      if (value !== refused) return value;
      return previous !== undefined && previous !== refused ? previous : undefined;
    },
  };
}
