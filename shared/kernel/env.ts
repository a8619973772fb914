import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// zod/mini keeps bundles small (tens of KB instead of hundreds); English messages for clear errors.
z.config(en());

/** The environment as Lambda (or a script) hands it over. */
export type Env = Record<string, string | undefined>;

/** A positive integer with a default (environment values are strings, so it is coerced). */
export const positiveInt = (fallback: number) =>
  z._default(z.coerce.number().check(z.int(), z.positive()), fallback);

/** A non-negative integer with a default. */
export const nonNegativeInt = (fallback: number) =>
  z._default(z.coerce.number().check(z.int(), z.nonnegative()), fallback);

/** A string of at least `min` characters. */
export const text = (min = 1) => z.string().check(z.minLength(min));

/** `true`/`false`, default false. */
export const flag = z.pipe(
  z._default(z.enum(['true', 'false']), 'false'),
  z.transform((value: 'true' | 'false') => value === 'true'),
);

/**
 * A public base URL such as the API's (`https://<api-id>.execute-api.<region>.amazonaws.com/<stage>`,
 * stage included): http or https, read without a trailing slash, so paths can be appended to it.
 */
export const baseUrl = z.pipe(
  z.url({ protocol: /^https?$/ }),
  z.transform((value: string) => value.replace(/\/+$/, '')),
);

/** A TCP port, `0` meaning "any free port". */
export const port = z.coerce.number().check(z.int(), z.minimum(0), z.maximum(65_535));

/** Parses an environment against a schema; the error names every missing or invalid variable. */
export function parseEnv<T extends z.ZodMiniType>(schema: T, env: Env): z.infer<T> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new Error(`invalid configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}
