// The webhook inspector's page (`/_local/webhooks.html`). It does not reload: every 2 s its script
// fetches the deliveries as JSON and adds the new ones at the top, leaving the rows already shown as
// they are, so a delivery you opened stays open (open ones are also remembered across reloads, in
// sessionStorage). Every value is set as text, never as HTML: payloads come from the network.
// Looked at in headless Chromium by test/integration/webhook-inspector-page.test.ts.

const STYLE = `
body{font:14px system-ui,sans-serif;margin:2em;color:#222}
h1{font-size:1.4em;margin:0 0 .3em}
.note{color:#555;margin:0 0 1em}
.row{display:grid;grid-template-columns:7em 11em minmax(0,1fr) minmax(0,1.2fr) 6em 10em;gap:.8em;align-items:baseline}
.id{font-family:ui-monospace,monospace;font-size:12px}
.head{font-weight:600;padding:.4em .4em .4em 1.6em;border-bottom:2px solid #ccc}
details{border-bottom:1px solid #ddd}
summary{padding:.4em;cursor:pointer;list-style-position:outside;margin-left:1.2em}
summary .row>span{overflow-wrap:anywhere}
details[open] summary{background:#f3f6fa}
.ok{color:#17663a}.bad{color:#a31515}
.detail{padding:.5em 1.6em 1em}
.detail table{border-collapse:collapse;margin-bottom:.6em}
.detail td{padding:.1em .8em .1em 0;vertical-align:top;font-family:ui-monospace,monospace;font-size:12px;overflow-wrap:anywhere}
.detail td:first-child{white-space:nowrap;color:#555}
pre{margin:0;white-space:pre-wrap;overflow-wrap:anywhere;font-size:12px;background:#f7f7f7;padding:.6em}
code{font-size:12px}
`;

// Plain browser JavaScript (the page's only script): fetch, diff by delivery id, patch the DOM.
const SCRIPT = `
const list = document.getElementById('deliveries');
const count = document.getElementById('count');
const OPEN_KEY = 'minivoice-inspector-open';
const remembered = new Set(JSON.parse(sessionStorage.getItem(OPEN_KEY) || '[]'));
const shown = new Map();

function cell(text, className) {
  const span = document.createElement('span');
  span.textContent = text;
  if (className) span.className = className;
  return span;
}

function render(d) {
  const recording = (d.body && d.body.data && d.body.data.recording) || {};
  const details = document.createElement('details');
  details.dataset.id = d.id;
  const summary = document.createElement('summary');
  const row = document.createElement('div');
  row.className = 'row';
  const time = cell(new Date(d.received_at).toLocaleTimeString());
  time.title = d.received_at;
  row.append(
    time,
    cell(d.event || '?'),
    cell(d.event_id || '', 'id'),
    cell(recording.id || '', 'id'),
    cell(recording.status || ''),
    d.verified ? cell('✔ verified', 'ok') : cell('✘ ' + (d.reason || 'not verified'), 'bad'),
  );
  summary.append(row);
  const detail = document.createElement('div');
  detail.className = 'detail';
  const headers = document.createElement('table');
  for (const [name, value] of Object.entries(d.headers || {})) {
    const tr = document.createElement('tr');
    const n = document.createElement('td');
    n.textContent = name;
    const v = document.createElement('td');
    v.textContent = value;
    tr.append(n, v);
    headers.append(tr);
  }
  const body = document.createElement('pre');
  body.textContent = typeof d.body === 'string' ? d.body : JSON.stringify(d.body, null, 2);
  detail.append(headers, body);
  details.append(summary, detail);
  details.open = remembered.has(d.id);
  details.addEventListener('toggle', () => {
    if (details.open) remembered.add(d.id);
    else remembered.delete(d.id);
    sessionStorage.setItem(OPEN_KEY, JSON.stringify([...remembered]));
  });
  return details;
}

async function refresh() {
  let deliveries;
  try {
    deliveries = (await (await fetch('/_local/webhooks', { headers: { accept: 'application/json' } })).json()).deliveries;
  } catch {
    count.textContent = 'npm start is not answering; trying again every 2 s';
    return;
  }
  const ids = new Set(deliveries.map((d) => d.id));
  for (const [id, element] of shown) {
    if (!ids.has(id)) {
      element.remove();
      shown.delete(id);
    }
  }
  // Newest first: walk oldest to newest, each new one goes on top.
  for (const d of [...deliveries].reverse()) {
    if (shown.has(d.id)) continue;
    const element = render(d);
    list.prepend(element);
    shown.set(d.id, element);
  }
  document.getElementById('empty').hidden = deliveries.length > 0;
  count.textContent = deliveries.length + (deliveries.length === 1 ? ' delivery' : ' deliveries') + ' (newest first; new ones appear as they arrive)';
}

refresh();
setInterval(refresh, 2000);
`;

/** The inspector's page: a static shell; its script fills and updates the list. */
export const INSPECTOR_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>MiniVoice local webhooks</title>
<style>${STYLE}</style>
</head><body>
<h1>Webhooks received locally</h1>
<p class="note"><span id="count">loading…</span> · each checked with its application's secret, as a receiver would · JSON: <a href="/_local/webhooks">/_local/webhooks</a></p>
<div class="row head"><span>received</span><span>event</span><span>event id</span><span>recording</span><span>status</span><span>signature</span></div>
<div id="deliveries"></div>
<p id="empty" class="note" hidden>Nothing yet: start and stop a recording.</p>
<script>${SCRIPT}</script>
</body></html>`;
