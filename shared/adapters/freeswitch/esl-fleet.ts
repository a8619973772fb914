import { MediaNodeUnnamedError, ProviderError } from '../../recordings/errors.ts';
import type { EslSessions } from './esl-client.ts';

/** The media servers of the fleet, each reached through its own sessions (a pool per node). */
export interface EslFleet {
  /**
   * The sessions of the node holding a call's channel. A call naming no node may use the only one;
   * with several it throws `MediaNodeUnnamedError`, and naming a node not configured `unreachable`
   * (either way nothing was sent).
   */
  sessionsFor(mediaNode: string | undefined): EslSessions;
  /** Closes every node's kept connections. */
  close(): void;
}

/** A fleet of named nodes (names as in `ESL_NODES` and on calls' `media_node`). */
export function createEslFleet(nodes: ReadonlyMap<string, EslSessions>): EslFleet {
  const names = [...nodes.keys()].join(', ');
  return {
    sessionsFor(mediaNode) {
      if (mediaNode === undefined) {
        const [only, ...others] = nodes.values();
        if (only && others.length === 0) return only;
        throw new MediaNodeUnnamedError([...nodes.keys()]);
      }
      const sessions = nodes.get(mediaNode);
      if (!sessions) {
        throw new ProviderError(
          `media server "${mediaNode}" is not configured (ESL_NODES: ${names})`,
          'unreachable',
        );
      }
      return sessions;
    },
    close() {
      for (const sessions of nodes.values()) sessions.close();
    },
  };
}
