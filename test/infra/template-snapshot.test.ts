import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Context, PROD_CONTEXT, synth } from './stack-template.ts';

// The synthesized templates, committed under test/infra/__snapshots__/, so that every change to the
// infrastructure shows in review as a change of the template CloudFormation will deploy. After an
// intended change, update them and commit the diff with it:
//
//   npx vitest run test/infra/template-snapshot.test.ts --update
//
// Values that change without any change to the stack are replaced before comparing: asset hashes (the
// functions' code, which changes with every source edit and is reviewed as code) and the CDK version.

const SNAPSHOTS = join(import.meta.dirname, '__snapshots__');

/** A SHA-256 in hex, as CDK names assets. */
const ASSET_HASH = /[0-9a-f]{64}/g;

/** The template with what varies between identical stacks replaced by placeholders. */
function normalizedTemplate(template: unknown): unknown {
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return value.replace(ASSET_HASH, '<asset-hash>');
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value)
          // CDK's own version metadata changes with every CDK upgrade, whatever the stack.
          .filter(
            ([key, entry]) =>
              !(key === 'CDKMetadata' && (entry as { Type?: string }).Type === 'AWS::CDK::Metadata'),
          )
          .map(([key, entry]) => [key, walk(entry)]),
      );
    }
    return value;
  };
  return walk(template);
}

/** The normalized template of a stage, as the committed snapshot holds it (JSON, 2-space indent). */
function snapshotOf(context: Context): string {
  return `${JSON.stringify(normalizedTemplate(synth(context).toJSON()), null, 2)}\n`;
}

describe('the synthesized templates', () => {
  it('are the committed dev template (update the snapshot with an intended infra change)', async () => {
    await expect(snapshotOf({})).toMatchFileSnapshot(
      join(SNAPSHOTS, 'minivoice-recordings-dev.template.json'),
    );
  });

  it('are the committed prod template, in an imported network (update the snapshot with an intended infra change)', async () => {
    await expect(snapshotOf(PROD_CONTEXT)).toMatchFileSnapshot(
      join(SNAPSHOTS, 'minivoice-recordings-prod.template.json'),
    );
  });

  it('hide asset hashes and CDK version metadata, nothing else', () => {
    const hash = 'a'.repeat(64);

    expect(
      normalizedTemplate({
        Resources: {
          CDKMetadata: { Type: 'AWS::CDK::Metadata', Properties: { Analytics: 'v2:deflate64:…' } },
          Fn: {
            Type: 'AWS::Lambda::Function',
            Properties: { Code: { S3Key: `${hash}.zip` }, MemorySize: 512 },
          },
        },
      }),
    ).toEqual({
      Resources: {
        Fn: {
          Type: 'AWS::Lambda::Function',
          Properties: { Code: { S3Key: '<asset-hash>.zip' }, MemorySize: 512 },
        },
      },
    });
  });
});
