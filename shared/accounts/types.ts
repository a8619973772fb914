/** A customer: the paying account that owns applications. */
export interface Customer {
  id: string;
  name: string;
  created_at: string;
}

/** An application: owner of API keys and calls, and where its webhooks go. */
export interface Application {
  id: string;
  customer_id: string;
  status: 'active' | 'disabled';
  webhook_url?: string;
  /**
   * The webhook signing secret, sealed (`kms:<base64 KMS ciphertext>`, bound to this application): only
   * the webhook sender can open it. Items of earlier versions may still hold it in plaintext until an
   * operator runs `seal-webhook-secrets`.
   */
  webhook_secret?: string;
  /**
   * `gone` after the endpoint answered 410, `disabled` after it failed for days on end; setting the
   * webhook again makes it `active` (and redelivers what was parked meanwhile).
   */
  webhook_status?: 'active' | 'gone' | 'disabled';
  /** The (sealed) secret being rotated out: still signed with until `webhook_secret_previous_expires_at`. */
  webhook_secret_previous?: string;
  webhook_secret_previous_expires_at?: string;
  /** Since when every attempt has failed (absent while the endpoint works). */
  webhook_failing_since?: string;
  /** When and why the endpoint was disabled or went gone. */
  webhook_disabled_at?: string;
  webhook_disabled_reason?: string;
  /** Days its completed recordings are kept (0: forever); {@link DEFAULT_RETENTION_DAYS} when unset. */
  retention_days?: number;
}

/** How long an application's recordings are kept unless it says otherwise. */
export const DEFAULT_RETENTION_DAYS = 90;

/** An API key as stored: only its SHA-256 hash, never the key. */
export interface ApiKey {
  key_hash: string;
  application_id: string;
  customer_id: string;
  status: 'active' | 'revoked';
  /** Copy of the owning application's status so that one read authenticates a request. */
  application_status: 'active' | 'disabled';
}

/** Stored form of a new API key: its hash and a displayable prefix, never the key. */
export type StoredApiKey = ApiKey & { created_at: string; key_prefix: string };
