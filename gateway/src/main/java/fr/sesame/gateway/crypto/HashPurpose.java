package fr.sesame.gateway.crypto;

/**
 * Why a value is hashed: the first input of every {@link KeyedHasher} hash, so that one value hashed for two
 * purposes gives two unrelated hashes.
 *
 * <p><b>Frozen.</b> A label is part of every stored hash made for its purpose (pseudonyms, secret and code
 * hashes, session keys, claims): changing one would orphan the data. Labels are independent of the store's
 * key layout. A new purpose gets a new label; an existing one never changes.
 */
public enum HashPurpose {
  /** A voter's pseudonym: election id, identifier. */
  VOTER("voter"),
  /** A knowledge secret: election id, identifier, canonical secret. */
  SECRET("secret"),
  /** A one-time code: election id, challenge id, code. */
  OTP("otp"),
  /** A session token, the key its session is stored under. */
  SESSION("session"),
  /** Who a phone given at login belongs to: election id, E.164 number. */
  PHONE_CLAIM("phone-claim"),
  /** A notification's idempotency key: the API client, its key. */
  NOTIFY_IDEMPOTENCY("notify-idem"),
  /** A number's paid-send caps: E.164 number. */
  PHONE_CAP("phone-cap"),
  /** An API key as configured and as presented. */
  API_KEY("api-key"),
  /** A login step's Idempotency-Key: election, step, the client's key. */
  LOGIN_IDEMPOTENCY("login-idem"),
  /** An OpenID Connect subject, pairwise: client id, election id, voter pseudonym. */
  OIDC_SUBJECT("oidc-sub"),
  /** An OpenID Connect client secret: client id, secret. */
  OIDC_CLIENT_SECRET("oidc-client-secret"),
  /** An authorization code, the key it is stored under. */
  OIDC_CODE("oidc-code"),
  /** A browser's binding to its login flows (the cookie's value): browser id. */
  OIDC_BROWSER("oidc-browser"),
  /** A form's CSRF token: browser id, flow id. */
  CSRF("csrf"),
  /** A private_key_jwt assertion's id, kept until it expires: client id, jti. */
  OIDC_JTI("oidc-jti"),
  /** A staff account's id: its email, lower-cased. */
  STAFF("staff"),
  /** A staff token (invitation, pending login, session), the key it is stored under: kind, token. */
  STAFF_TOKEN("staff-token"),
  /** A secret of the configuration as a seal's manifest shows it: its text. */
  SEAL_CONFIG("seal-config"),
  /** A waiting ticket of admission control (never stored): election id, what it is bound to, its turn (ms). */
  ADMISSION_TICKET("admission-ticket");

  private final String label;

  HashPurpose(String label) {
    this.label = label;
  }

  /** The frozen label that is hashed first. */
  public String label() {
    return label;
  }
}
