import { join } from 'node:path';

/** The committed OpenAPI document: what `npm start` serves and the client example's types are made from. */
export const OPENAPI_FILE = join(import.meta.dirname, 'openapi.json');
