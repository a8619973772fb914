"""Verify MiniVoice webhook deliveries (Python 3.8+, standard library only).

Install with `pip install ./packages/webhook-verifier/python` (offline; no dependencies), or copy this
file into your project. Pass the raw request body (bytes) before parsing it:

    from minivoice_webhooks import verify_webhook
    result = verify_webhook([secret], request.headers, request.get_data())
    if not result["ok"]:
        abort(401)

The same checks as the Node.js package: the timestamp must be within `tolerance_seconds` of now, and a
`v2=` signature (it covers the event id) must match one of your secrets (several, for a rotation).
"""
import hashlib
import hmac
import re
import time

TIMESTAMP = "X-MiniVoice-Timestamp"
SIGNATURE = "X-MiniVoice-Signature"
EVENT_ID = "X-MiniVoice-Event-Id"


def webhook_signature(scheme, secret, timestamp, event_id, body):
    """The hex HMAC-SHA256 of `v1` (timestamp.body) or `v2` (timestamp.event_id.body)."""
    prefix = f"{timestamp}.{event_id}." if scheme == "v2" else f"{timestamp}."
    if isinstance(body, str):
        body = body.encode("utf-8")
    return hmac.new(secret.encode("utf-8"), prefix.encode("utf-8") + body, hashlib.sha256).hexdigest()


def verify_webhook(secrets, headers, body, tolerance_seconds=300, now_seconds=None, accept_v1=False):
    """Returns {"ok": True, "timestamp", "event_id", "scheme"} or {"ok": False, "reason"}."""
    lowered = {str(k).lower(): v for k, v in dict(headers).items()}

    def header(name):
        value = lowered.get(name.lower())
        return value[0] if isinstance(value, (list, tuple)) else value

    timestamp_text, signatures, event_id = header(TIMESTAMP), header(SIGNATURE), header(EVENT_ID)
    if not timestamp_text or not signatures:
        return {"ok": False, "reason": "missing_headers"}
    if not re.fullmatch(r"\d{1,12}", timestamp_text):
        return {"ok": False, "reason": "bad_timestamp"}
    timestamp = int(timestamp_text)
    now = int(time.time()) if now_seconds is None else now_seconds
    if abs(now - timestamp) > tolerance_seconds:
        return {"ok": False, "reason": "stale_timestamp"}
    values = [v for v in re.split(r"[\s,]+", signatures) if v]
    v2 = [v[3:] for v in values if v.startswith("v2=")]
    v1 = [v[3:] for v in values if v.startswith("v1=")]
    scheme = "v2" if v2 else ("v1" if accept_v1 else None)
    if scheme is None or (scheme == "v2" and not event_id):
        return {"ok": False, "reason": "bad_signature"}
    candidates = v2 if scheme == "v2" else v1
    if isinstance(secrets, str):
        secrets = [secrets]
    for secret in secrets:
        expected = webhook_signature(scheme, secret, timestamp, event_id or "", body)
        # Bytes, so that a candidate with non-ASCII characters is a mismatch, not an exception.
        if any(hmac.compare_digest(expected.encode(), c.encode("utf-8")) for c in candidates):
            return {"ok": True, "timestamp": timestamp, "event_id": event_id, "scheme": scheme}
    return {"ok": False, "reason": "bad_signature"}
