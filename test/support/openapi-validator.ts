import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { OPENAPI_FILE } from '../../openapi/document-file.ts';

// ajv-formats is CommonJS: its default export arrives wrapped under NodeNext.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

// biome-ignore lint/suspicious/noExplicitAny: the document is walked by key, as JSON.
type Json = any;

const DOCUMENT_ID = 'https://minivoice.test/openapi.json';

/** One HTTP answer (or webhook delivery) to check: status, headers (any case) and the raw body. */
export interface HttpMessage {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** JSON pointer escaping of one key. */
const pointer = (...keys: string[]) =>
  keys.map((key) => key.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/**
 * Checks answers against the OpenAPI document: that the status is documented for the operation, every
 * header the document requires is there and valid, no header is there that the document does not name
 * (besides `Content-Type`), and the body is of the documented media type and valid against its schema
 * (with ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses it, formats checked). Each check returns the
 * problems it found (empty: the answer conforms).
 */
export function createOpenApiValidator(document: Json = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8'))) {
  // The document is added whole, so every `$ref` resolves inside it; OpenAPI's own keywords are not
  // JSON Schema keywords, hence `strict: false`.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...document, $id: DOCUMENT_ID });
  const validators = new Map<string, ReturnType<typeof ajv.compile>>();
  const validate = (path: string, value: unknown): string[] => {
    let check = validators.get(path);
    if (!check) {
      check = ajv.compile({ $ref: `${DOCUMENT_ID}#/${path}` });
      validators.set(path, check);
    }
    if (check(value)) return [];
    return (check.errors ?? []).map(
      (e) => `${e.instancePath || '(root)'} ${e.message} ${JSON.stringify(e.params)}`,
    );
  };

  const resolve = (node: Json): { node: Json; path?: string } => {
    if (node?.$ref?.startsWith('#/')) {
      const path = node.$ref.slice(2);
      return {
        node: path
          .split('/')
          .reduce((at: Json, key: string) => at?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], document),
        path,
      };
    }
    return { node };
  };

  /** The document's path template a concrete path matches (`/v1/recordings/rec_1` → `/v1/recordings/{recording_id}`). */
  const templateOf = (path: string): string | undefined =>
    Object.keys(document.paths).find((template) =>
      new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path),
    );

  const headerOf = (message: HttpMessage, name: string): string | undefined => {
    const entry = Object.entries(message.headers).find(
      ([key]) => key.toLowerCase() === name.toLowerCase(),
    )?.[1];
    return Array.isArray(entry) ? entry.join(', ') : entry;
  };

  /** A header value as its schema reads it (an integer header is digits on the wire). */
  const headerValue = (schema: Json, value: string): unknown => {
    const type = resolve(schema).node?.type;
    return (type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  };

  /** Checks a message against one response (or request) object at `path` in the document. */
  const checkMessage = (
    message: HttpMessage,
    responsePath: string,
    documented: Json,
    allowOthers: string[],
  ) => {
    const problems: string[] = [];
    const { node: response, path: resolvedPath } = resolve(documented);
    const basePath = resolvedPath ?? responsePath;
    const headers: Record<string, Json> = response.headers ?? {};
    for (const [name, headerRef] of Object.entries(headers)) {
      const { node: header } = resolve(headerRef);
      const value = headerOf(message, name);
      if (value === undefined) {
        if (header.required) problems.push(`header ${name} is missing`);
        continue;
      }
      const schemaPath = resolve(headerRef).path ?? `${basePath}/${pointer('headers', name)}`;
      for (const problem of validate(`${schemaPath}/schema`, headerValue(header.schema, value)))
        problems.push(`header ${name}: ${value}: ${problem}`);
    }
    const named = new Set(
      [...Object.keys(headers), 'Content-Type', ...allowOthers].map((n) => n.toLowerCase()),
    );
    for (const name of Object.keys(message.headers)) {
      if (!named.has(name.toLowerCase())) problems.push(`header ${name} is not in the document`);
    }
    const content = response.content as Record<string, Json> | undefined;
    if (!content) {
      if (message.body !== '') problems.push(`the document says no body, got ${message.body.slice(0, 80)}`);
      return problems;
    }
    const type = (headerOf(message, 'content-type') ?? '').split(';')[0]?.trim() ?? '';
    if (!(type in content))
      return [...problems, `Content-Type ${type} is not one of ${Object.keys(content)}`];
    let body: unknown;
    try {
      body = JSON.parse(message.body);
    } catch {
      return [...problems, `the body is not JSON: ${message.body.slice(0, 80)}`];
    }
    for (const problem of validate(`${basePath}/${pointer('content', type, 'schema')}`, body))
      problems.push(`body ${problem}`);
    return problems;
  };

  return {
    document,
    templateOf,
    /**
     * Problems of an API answer to `method path`: an undocumented route or status is one; 404
     * `not_found` and 405 `method_not_allowed` are checked against the shared responses for them.
     */
    checkAnswer(method: string, path: string, answer: HttpMessage): string[] {
      const template = templateOf(path);
      const operation = template ? document.paths[template]?.[method.toLowerCase()] : undefined;
      if (!template)
        return checkMessage(
          answer,
          'components/responses/RouteNotFound',
          { $ref: '#/components/responses/RouteNotFound' },
          [],
        );
      if (!operation)
        return checkMessage(
          answer,
          'components/responses/MethodNotAllowed',
          { $ref: '#/components/responses/MethodNotAllowed' },
          [],
        );
      const documented = operation.responses[String(answer.statusCode)];
      if (!documented) return [`status ${answer.statusCode} is not documented for ${method} ${template}`];
      const responsePath = pointer(
        'paths',
        template,
        method.toLowerCase(),
        'responses',
        String(answer.statusCode),
      );
      return checkMessage(answer, responsePath, documented, []);
    },
    /** Problems of a webhook delivery (headers and body) against the `webhooks` entry of its event. */
    checkDelivery(event: string, delivery: Omit<HttpMessage, 'statusCode'>): string[] {
      const operation = document.webhooks?.[event]?.post;
      if (!operation) return [`webhook ${event} is not in the document`];
      const problems: string[] = [];
      const base = pointer('webhooks', event, 'post');
      operation.parameters.forEach((parameter: Json, index: number) => {
        const value = headerOf({ ...delivery, statusCode: 0 }, parameter.name);
        if (value === undefined) {
          if (parameter.required) problems.push(`header ${parameter.name} is missing`);
          return;
        }
        for (const problem of validate(`${base}/parameters/${index}/schema`, value))
          problems.push(`header ${parameter.name}: ${problem}`);
      });
      const type = (headerOf({ ...delivery, statusCode: 0 }, 'content-type') ?? '').split(';')[0] ?? '';
      if (!(type in operation.requestBody.content)) problems.push(`Content-Type ${type} is not documented`);
      for (const problem of validate(
        `${base}/${pointer('requestBody', 'content', 'application/json', 'schema')}`,
        JSON.parse(delivery.body),
      ))
        problems.push(`body ${problem}`);
      return problems;
    },
    /** Problems of a value against a schema at a JSON pointer of the document (e.g. an example). */
    checkValue(path: string, value: unknown): string[] {
      return validate(path, value);
    },
  };
}

/** The validator's type. */
export type OpenApiValidator = ReturnType<typeof createOpenApiValidator>;
