import { afterEach, describe, expect, it } from 'vitest';
import type { SimulatedFreeSwitch } from '../../scripts/local/simulated-freeswitch/server.ts';
import { createMediaServer } from '../../shared/adapters/freeswitch/freeswitch-config.ts';
import type { FreeSwitchProvider } from '../../shared/adapters/freeswitch/freeswitch-provider.ts';
import { ProviderError } from '../../shared/recordings/errors.ts';
import type { ProviderRecordingRequest } from '../../shared/recordings/ports.ts';
import type { RecordingFiles } from '../../shared/recordings/recording-files.ts';
import { startTestFreeSwitch } from '../support/media-server.ts';

// Rotating the fleet's Event Socket password without failed requests: the functions read the secret
// again when FreeSWITCH refuses the password (at most every 30 s) and authenticate once more, before any
// command is sent. The secret store is a function standing in for Secrets Manager (whose adapter has its
// own test); the media servers are simulated FreeSWITCHes whose password an operator changes and
// reloads, as `reload mod_event_socket` does.
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:esl-password';
let counter = 0;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const opened: { provider: FreeSwitchProvider; nodes: SimulatedFreeSwitch[] }[] = [];

afterEach(async () => {
  for (const { provider, nodes } of opened.splice(0)) {
    provider.close();
    await Promise.all(nodes.map((node) => node.close()));
  }
});

/** A secret store holding `value`, counting reads (of the function's secret only). */
function secretStore(value: string) {
  const store = {
    value,
    reads: 0,
    read: async (secretId: string) => {
      if (secretId !== SECRET_ARN) throw new Error(`no secret ${secretId}`);
      store.reads += 1;
      return store.value;
    },
  };
  return store;
}

/**
 * Simulated nodes on the password `old`, and the adapter a function builds over them at cold start: with
 * the secret (`ESL_PASSWORD_SECRET_ARN`), or with `env` as `ESL_PASSWORD` (the secret is then unused).
 */
async function fleet(names: string[], secret: ReturnType<typeof secretStore>, env?: string) {
  const nodes = await Promise.all(names.map(() => startTestFreeSwitch()));
  for (const { freeswitch } of nodes) freeswitch.reloadWithPassword('old');
  const files = nodes[0]?.files as RecordingFiles;
  const { provider } = await createMediaServer(
    {
      ESL_NODES: names.map((name, i) => ({ name, host: '127.0.0.1', port: nodes[i]?.freeswitch.port ?? 0 })),
      ...(env === undefined ? { ESL_PASSWORD_SECRET_ARN: SECRET_ARN } : { ESL_PASSWORD: env }),
      ESL_TIMEOUT_MS: 2000,
      RECORDING_PATH_TEMPLATE: nodes[0]?.pathTemplate ?? '',
    },
    secret.read,
  );
  const switches = nodes.map((node) => node.freeswitch);
  opened.push({ provider: provider as FreeSwitchProvider, nodes: switches });
  /** A recording of a fresh channel on the node `name`. */
  const request = (name: string): ProviderRecordingRequest => {
    counter += 1;
    return {
      providerCallId: switches[names.indexOf(name)]?.addChannel() ?? '',
      mediaNode: name,
      recordingId: `rec_call_rot${counter}`,
      callId: `call_rot${counter}`,
      customerId: 'cust_1',
      applicationId: 'app_1',
    };
  };
  /** How often a node received the start of `r`. */
  const startsOf = (name: string, r: ProviderRecordingRequest) =>
    switches[names.indexOf(name)]?.commands.filter(
      (c) => c === `uuid_record ${r.providerCallId} start ${files.pathOf(r)}`,
    ).length;
  return { provider, files, switches, request, startsOf };
}

/** What a failed operation threw: its reason and message. */
const failureOf = (error: unknown) =>
  error instanceof ProviderError ? `${error.reason}: ${error.message}` : String(error);

describe('rotating the Event Socket password', () => {
  it('authenticates with the new secret once the node was reloaded with it, and sends the command once', async () => {
    const secret = secretStore('old');
    const { provider, files, switches, request, startsOf } = await fleet(['fs-a'], secret);
    const [a] = switches as [SimulatedFreeSwitch];
    await provider.startRecording(request('fs-a'));

    secret.value = 'new';
    a.reloadWithPassword('new');
    await pause(50);
    const before = a.counts;
    const next = request('fs-a');
    await provider.startRecording(next);

    expect([
      startsOf('fs-a', next),
      a.recordings(next.providerCallId),
      a.counts.connections - before.connections,
      a.counts.authentications - before.authentications,
      secret.reads,
    ]).toEqual([1, [files.pathOf(next)], 2, 1, 2]);
  });

  it('keeps using its connections, and reads nothing, while only the secret has changed', async () => {
    const secret = secretStore('old');
    const { provider, switches, request } = await fleet(['fs-a'], secret);
    const [a] = switches as [SimulatedFreeSwitch];
    await provider.startRecording(request('fs-a'));
    const before = a.counts;

    secret.value = 'new';
    await provider.startRecording(request('fs-a'));

    expect([a.counts.connections - before.connections, secret.reads]).toEqual([0, 1]);
  });

  it('reaches a node not reloaded yet with the previous password while another runs on the new one', async () => {
    const secret = secretStore('old');
    const { provider, switches, request, startsOf } = await fleet(['fs-a', 'fs-b'], secret);
    const [a, b] = switches as [SimulatedFreeSwitch, SimulatedFreeSwitch];
    secret.value = 'new';
    a.reloadWithPassword('new');
    await provider.startRecording(request('fs-a'));

    // fs-b still has the old password, and this container no connection to it yet.
    const onB = request('fs-b');
    await provider.startRecording(onB);
    b.reloadWithPassword('new');
    await pause(50);
    const later = request('fs-b');
    await provider.startRecording(later);

    expect([startsOf('fs-b', onB), startsOf('fs-b', later), b.counts.authentications, secret.reads]).toEqual([
      1, 1, 2, 2,
    ]);
  });

  it('fails before any command when the node refuses and the secret has not changed, reading it again at most once per 30 s', async () => {
    const secret = secretStore('old');
    const { provider, switches, request } = await fleet(['fs-a'], secret);
    const [a] = switches as [SimulatedFreeSwitch];
    a.reloadWithPassword('new');
    const commands = a.commands.length;

    const first = await provider.startRecording(request('fs-a')).catch(failureOf);
    const second = await provider.startRecording(request('fs-a')).catch(failureOf);

    expect([first, second, a.commands.length - commands, secret.reads]).toEqual([
      'unreachable: FreeSWITCH refused the event socket password',
      'unreachable: FreeSWITCH refused the event socket password',
      0,
      2,
    ]);
  });

  it('reads nothing again with ESL_PASSWORD (local runs): a refused password fails the operation', async () => {
    const secret = secretStore('new');
    const { provider, switches, request } = await fleet(['fs-a'], secret, 'old');
    const [a] = switches as [SimulatedFreeSwitch];
    a.reloadWithPassword('new');

    expect([await provider.startRecording(request('fs-a')).catch(failureOf), secret.reads]).toEqual([
      'unreachable: FreeSWITCH refused the event socket password',
      0,
    ]);
  });
});
