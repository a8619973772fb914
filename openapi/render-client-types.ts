import { join } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import { biomeFormat } from './biome-format.ts';

/** The typed client example's types, made from the document by openapi-typescript (committed). */
export const CLIENT_TYPES_FILE = join(import.meta.dirname, '../examples/typescript-client/api-types.ts');

const HEADER = `// Generated from openapi/openapi.json by \`npm run openapi\` (openapi-typescript). Do not edit:
// a test fails when this file and the document differ.

`;

/** The client's types as the repository keeps them, made from the document `text`. */
export async function renderClientTypes(text: string): Promise<string> {
  const ast = await openapiTS(text);
  return biomeFormat(`${HEADER}${astToString(ast)}`, CLIENT_TYPES_FILE);
}
