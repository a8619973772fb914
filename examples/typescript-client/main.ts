import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMiniVoiceClient, MiniVoiceApiError } from './client.ts';
import { runDemo } from './demo.ts';

// `npm run example:client`: the typed client against `npm start` (the demo tenant of .local/demo.json),
// or any deployment with MINIVOICE_API_URL, MINIVOICE_API_KEY and MINIVOICE_CALL_ID set.
function settings(): { baseUrl: string; apiKey: string; callId: string } {
  const { MINIVOICE_API_URL, MINIVOICE_API_KEY, MINIVOICE_CALL_ID } = process.env;
  if (MINIVOICE_API_URL && MINIVOICE_API_KEY && MINIVOICE_CALL_ID) {
    return { baseUrl: MINIVOICE_API_URL, apiKey: MINIVOICE_API_KEY, callId: MINIVOICE_CALL_ID };
  }
  const file = join(process.env.MINIVOICE_LOCAL_DIR ?? '.local', 'demo.json');
  try {
    const demo = JSON.parse(readFileSync(file, 'utf8')) as {
      api_url: string;
      api_key: string;
      call_id: string;
    };
    return { baseUrl: demo.api_url, apiKey: demo.api_key, callId: demo.call_id };
  } catch {
    console.error(
      `no ${file}: run \`npm start\` first, or set MINIVOICE_API_URL, MINIVOICE_API_KEY and MINIVOICE_CALL_ID`,
    );
    process.exit(2);
  }
}

const { baseUrl, apiKey, callId } = settings();
try {
  await runDemo(createMiniVoiceClient({ baseUrl, apiKey }), callId, (line) => console.log(line));
} catch (error) {
  if (error instanceof MiniVoiceApiError) {
    console.error(`the API answered ${error.message} (X-Request-Id ${error.requestId})`);
    if (error.code === 'active_call_not_found')
      console.error('the demo call has ended: restart `npm start` for a new one');
  } else {
    console.error(`could not reach ${baseUrl}: ${(error as Error).message} (is \`npm start\` running?)`);
  }
  process.exit(1);
}
