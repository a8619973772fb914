// The webhook inspector's page, looked at in a real browser: Debian's Chromium (installed by .ci/run;
// `apt-get install chromium` on a developer's machine, or CHROMIUM_PATH), driven by playwright-core.
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalApiServer } from '../../scripts/local/local-api-server.ts';
import { createWebhookInspector } from '../../scripts/local/webhook-inspector.ts';
import { signWebhook } from '../../shared/webhooks/signature.ts';

const SECRET = 'whsec_inspector_page_test';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const server = createLocalApiServer({
  apiHandler: async () => ({ statusCode: 404, body: '' }),
  inspector: createWebhookInspector(async (applicationId) =>
    applicationId === 'app_1' ? SECRET : undefined,
  ),
  onError: (error) => {
    throw error;
  },
});
let base: string;
let browser: Browser;
let sent = 0;

/** Posts a delivery to the inspector as the webhook sender does (signed with the secret, or forged). */
async function deliver(
  event: string,
  options: { forged?: boolean; recording?: Record<string, string> } = {},
) {
  sent += 1;
  const eventId = `evt_page${sent}`;
  const body = JSON.stringify({
    event,
    call: { id: 'call_1', application_id: 'app_1' },
    data: { recording: options.recording ?? { id: 'rec_call_1', status: event.split('.')[1] ?? '' } },
  });
  const timestamp = Math.floor(Date.now() / 1000);
  const answer = await fetch(`${base}/_local/webhooks`, {
    method: 'POST',
    body,
    headers: {
      'Content-Type': 'application/json',
      'X-MiniVoice-Event-Id': eventId,
      'X-MiniVoice-Timestamp': String(timestamp),
      'X-MiniVoice-Signature': signWebhook(
        [options.forged ? 'whsec_wrong' : SECRET],
        timestamp,
        eventId,
        body,
      ),
    },
  });
  expect(answer.status).toBe(options.forged ? 401 : 204);
  return eventId;
}

/** The rows the page shows, top to bottom: event id, open or not, the row's text. */
function rows(page: Page) {
  return page.locator('#deliveries > details').evaluateAll((elements) =>
    elements.map((element) => ({
      event_id: element.querySelector('summary .row > span:nth-child(3)')?.textContent,
      open: element.hasAttribute('open'),
    })),
  );
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `this test needs Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`,
    );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  server.close();
});

describe('the webhook inspector page', () => {
  it('keeps a delivery you opened open while new deliveries arrive, adding them on top', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${base}/_local/webhooks.html`);
    const started = await deliver('recording.started');
    await page.locator(`details:has-text("${started}") summary`).click();

    const completed = await deliver('recording.completed');
    // The page picks the new delivery up on its own (it polls every 2 s); nothing reloads.
    await page.locator(`details:has-text("${completed}")`).waitFor();

    expect(await rows(page)).toEqual([
      { event_id: completed, open: false },
      { event_id: started, open: true },
    ]);
    await page.close();
  });

  it('shows an opened delivery’s headers and body within the window, without scrolling sideways', async () => {
    const page = await browser.newPage({ viewport: { width: 1024, height: 700 } });
    const eventId = await deliver('recording.completed');
    await page.goto(`${base}/_local/webhooks.html`);
    await page.locator(`details:has-text("${eventId}") summary`).click();
    const detail = page.locator(`details:has-text("${eventId}") .detail`);

    expect(await detail.locator('pre').textContent()).toContain('"event": "recording.completed"');
    expect(await detail.locator('td').first().textContent()).toBe('content-type');
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await page.close();
  });

  it('remembers what you opened across a reload', async () => {
    const page = await browser.newPage();
    const eventId = await deliver('recording.started');
    await page.goto(`${base}/_local/webhooks.html`);
    await page.locator(`details:has-text("${eventId}") summary`).click();

    await page.reload();
    await page.locator(`details:has-text("${eventId}")`).waitFor();

    expect(await page.locator(`details:has-text("${eventId}")`).evaluate((e) => e.hasAttribute('open'))).toBe(
      true,
    );
    await page.close();
  });

  it('marks a delivery that does not verify, and shows payload text as text', async () => {
    const page = await browser.newPage();
    const eventId = await deliver('recording.failed', {
      forged: true,
      recording: { id: '<img src=x onerror="document.title=1">', status: 'failed' },
    });
    await page.goto(`${base}/_local/webhooks.html`);
    const row = page.locator(`details:has-text("${eventId}") summary`);
    await row.waitFor();

    expect(await row.locator('.bad').textContent()).toBe('✘ bad_signature');
    expect([await page.locator('img').count(), await page.title()]).toEqual([0, 'MiniVoice local webhooks']);
    await page.close();
  });
});
