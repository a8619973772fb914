/**
 * The name of a media server of the fleet (`fs-a`, `fs-eu-west-1a-01`): lower-case letters, digits and
 * dashes, at most 32 characters. The same name appears in the functions' `ESL_NODES`, on a call
 * (`media_node`, written by call control) and in the media relay's events (its `MEDIA_NODE`).
 */
export const MEDIA_NODE_NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;

/** True when `name` can name a media server. */
export function isValidMediaNodeName(name: string): boolean {
  return MEDIA_NODE_NAME.test(name);
}
