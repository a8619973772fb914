/**
 * What may differ between two FreeSWITCH sessions doing the same thing, by header name, and the shape
 * each such value must still have (a value of another shape is left as it is, so a comparison shows
 * it). Everything not named here must match byte for byte. Used by the tests that hold the simulator
 * to the captures.
 */
export const PER_RUN_VALUES: { names: RegExp; shape: RegExp; as: string }[] = [
  {
    names: /^(Event-Date-Local|variable_(start|profile_start|answer|end)_stamp)$/,
    shape: /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/,
    as: '<local time>',
  },
  {
    names: /^Event-Date-GMT$/,
    shape: /^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$/,
    as: '<GMT time>',
  },
  {
    // Microseconds since the epoch; a time not reached yet (`0`) must stay `0`.
    names:
      /^(Event-Date-Timestamp|Caller-(Profile-Created|Channel-Created|Channel-Answered|Channel-Hangup)-Time|variable_(start|profile_start|answer|end)_uepoch)$/,
    shape: /^[1-9]\d{15}$/,
    as: '<µs time>',
  },
  { names: /^variable_(start|profile_start|answer|end)_epoch$/, shape: /^[1-9]\d{9}$/, as: '<s time>' },
  // Counters over the whole switch: they depend on what else ran before.
  { names: /^(Event-Sequence|variable_session_id)$/, shape: /^\d+$/, as: '<counter>' },
  // How long things took: wall time.
  {
    names:
      /^variable_(duration|billsec|flow_billsec|mduration|billmsec|flow_billmsec|uduration|billusec|flow_billusec)$/,
    shape: /^\d+$/,
    as: '<duration>',
  },
  { names: /^variable_record_(file_size|samples|seconds|ms)$/, shape: /^\d+$/, as: '<recorded>' },
  { names: /^variable_playback_(last_offset_pos|seconds|ms|samples)$/, shape: /^\d+$/, as: '<played>' },
];

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
// `uuid_getvar <uuid> record_*` answers the length of what was recorded: wall time.
const RECORDED_VAR = /^api uuid_getvar \S+ record_(file_size|samples|seconds|ms)$/;

/**
 * Normalises the messages of one session, in order. Every uuid becomes `<uuid N>`, numbered by first
 * appearance (so which uuid is which must still match: the B leg's `other_loopback_leg_uuid` is the A
 * leg's); `paths` are rewritten first; the values of {@link PER_RUN_VALUES} become placeholders, and
 * so do `uuid_getvar … record_*` and `status` numbers (`command` is the command a reply answers);
 * every `Content-Length` is then that of the normalised body.
 */
export function createNormaliser(paths: [from: string, to: string][] = []) {
  const uuids = new Map<string, string>();
  const uuid = (text: string) =>
    text.replace(UUID, (found) => {
      if (!uuids.has(found)) uuids.set(found, `<uuid ${uuids.size + 1}>`);
      return uuids.get(found) as string;
    });
  return (message: string, command?: string): string => {
    let text = message;
    for (const [from, to] of paths) text = text.split(from).join(to);
    text = uuid(text);
    const split = text.indexOf('\n\n');
    const head = text.slice(0, split);
    let body = text.slice(split + 2);
    const type = /^Content-Type: (.*)$/m.exec(head)?.[1];
    if (type === 'text/event-plain') body = plainBody(body);
    if (type === 'text/event-json') body = jsonBody(body);
    if (type === 'api/response' && command && RECORDED_VAR.test(command) && /^\d+$/.test(body)) {
      body = '<recorded>';
    }
    if (type === 'api/response' && command === 'api status') {
      body = body
        .replace(/\d+ (year|day|hour|minute|second|millisecond|microsecond)s?\b/g, '<n> $1(s)')
        .replace(/\d+(\.\d+)?/g, '<n>');
    }
    const length = (value: string) => String(Buffer.byteLength(value));
    return `${head.replace(/^Content-Length: \d+$/m, `Content-Length: ${length(body)}`)}\n\n${body}`;
  };
}

function perRun(name: string, value: string): string | undefined {
  const rule = PER_RUN_VALUES.find(({ names }) => names.test(name));
  return rule?.shape.test(value) ? rule.as : undefined;
}

/** A plain event body: `Name: value` lines (values URL-encoded), then a blank line or its own body. */
function plainBody(body: string): string {
  const end = body.indexOf('\n\n');
  const lines = body.slice(0, end).split('\n');
  const inner = body.slice(end + 2);
  const out = lines.map((line) => {
    const [name = '', value = ''] = [line.slice(0, line.indexOf(': ')), line.slice(line.indexOf(': ') + 2)];
    if (name === 'Content-Length') return `${name}: ${Buffer.byteLength(inner)}`;
    return `${name}: ${perRun(name, decodeURIComponentSafe(value)) ?? value}`;
  });
  return `${out.join('\n')}\n\n${inner}`;
}

/** A JSON event body: every `"name":"value"` pair, in place, so order, repeats and escaping still count. */
function jsonBody(body: string): string {
  return body.replace(/"((?:[^"\\]|\\.)*)":"((?:[^"\\]|\\.)*)"/g, (pair, name: string, value: string) => {
    const replaced = perRun(JSON.parse(`"${name}"`), JSON.parse(`"${value}"`));
    return replaced === undefined ? pair : `"${name}":${JSON.stringify(replaced)}`;
  });
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
