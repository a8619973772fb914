import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const PACKAGE = join(import.meta.dirname, '../../../packages/webhook-verifier');

// Runs the published Python verifier (python/minivoice_webhooks.py) over every known answer.
const DRIVER = `
import json, sys
sys.path.insert(0, sys.argv[1] + "/python")
from minivoice_webhooks import verify_webhook, webhook_signature
vectors = json.load(open(sys.argv[1] + "/test-vectors.json", encoding="utf-8"))
out = {
    "signatures": [[webhook_signature(s, v["secret"], v["timestamp"], v["event_id"], v["body"]) for s in ("v1", "v2")]
                   for v in vectors["signatures"]],
    "verifications": [verify_webhook(v["secrets"], v["headers"], v["body"].encode("utf-8"), 300, v["now"],
                                     v.get("accept_v1", False)) for v in vectors["verifications"]],
}
print(json.dumps(out))
`;

describe('the published Python verifier', () => {
  const vectors = JSON.parse(readFileSync(join(PACKAGE, 'test-vectors.json'), 'utf8')) as {
    signatures: { v1: string; v2: string }[];
    verifications: { expected: unknown }[];
  };
  const results = JSON.parse(execFileSync('python3', ['-c', DRIVER, PACKAGE], { encoding: 'utf8' })) as {
    signatures: string[][];
    verifications: unknown[];
  };

  it('computes the known v1 and v2 signatures', () => {
    expect(results.signatures).toEqual(vectors.signatures.map((v) => [v.v1, v.v2]));
  });

  it('gives the known answer for every verification', () => {
    expect(results.verifications).toEqual(vectors.verifications.map((v) => v.expected));
  });
});
