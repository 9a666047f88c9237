package fr.sesame.gateway.problem;

import java.util.Locale;

/**
 * Every error the API answers, with its status and title. The type URI is {@code /problems/<kebab-name>}; what
 * each type means, in French and English, is in {@code problem-types.yaml} ({@link ProblemDescriptions}).
 */
public enum ProblemType {
  VALIDATION_FAILED(400, "The request is not valid"),
  /** Not well-formed HTTP: framing, request line, escapes, Host (answered before any route runs). */
  MALFORMED_REQUEST(400, "The request is not well-formed HTTP"),
  CHANNEL_NOT_ALLOWED(400, "This channel is not allowed for the voter's college"),
  UNAUTHORIZED(401, "Missing or unknown API key"),
  INVALID_CREDENTIALS(401, "Wrong identifier, secret or code"),
  FORBIDDEN(403, "This API key's role may not do this"),
  ELECTION_CLOSED(403, "The election is not open"),
  SESSION_INACTIVE(403, "The session is not active for this election"),
  NOT_FOUND(404, "No such resource"),
  ELECTION_NOT_FOUND(404, "No such election"),
  VOTER_NOT_FOUND(404, "No such voter in this election"),
  CHALLENGE_NOT_FOUND(404, "No such login challenge: log in again"),
  NOTIFICATION_NOT_FOUND(404, "No such notification"),
  IMPORT_NOT_FOUND(404, "No such roll import"),
  CAMPAIGN_NOT_FOUND(404, "No such credential campaign"),
  METHOD_NOT_ALLOWED(405, "Method not allowed"),
  NOT_ACCEPTABLE(406, "Not acceptable"),
  ALREADY_VOTED(409, "The voter has already voted"),
  PHONE_IN_USE(409, "This phone number already receives codes for another voter"),
  CLIENT_ID_TAKEN(409, "This client id is registered for another election"),
  NO_PLATFORM_URL(409, "The election has no platform address to send"),
  RESEND_LIMIT_REACHED(409, "This code was resent as often as allowed: log in again"),
  ELECTION_SEALED(409, "The election is sealed: its definition and roll cannot change"),
  ELECTION_NOT_SEALED(409, "The election has no seal in force to check against"),
  IMPORT_IN_PROGRESS(409, "Another import of this election's roll is running"),
  CAMPAIGN_IN_PROGRESS(409, "Another credential campaign of this election is running"),
  DESTRUCTION_REFUSED(409, "The election's data may not be destroyed now"),
  DESTRUCTION_FORBIDDEN(403, "This staff member may not request or approve this destruction"),
  CODE_EXPIRED(410, "The code has expired: ask for a new one"),
  PAYLOAD_TOO_LARGE(413, "The request body is too large"),
  URI_TOO_LONG(414, "The request URI is too long"),
  UNSUPPORTED_MEDIA_TYPE(415, "Unsupported content type"),
  NO_DESTINATION(422, "There is nowhere to send a code on this channel"),
  ACCOUNT_LOCKED(423, "The account is locked: contact support"),
  RATE_LIMITED(429, "Too many requests"),
  HEADERS_TOO_LARGE(431, "The request headers are too large"),
  SENDS_SUSPENDED(429, "Sends to this number's block or country are suspended (fraud guard)"),
  INTERNAL(500, "Internal error"),
  DEPENDENCY_UNAVAILABLE(503, "A service the gateway depends on is unavailable; try again"),
  /**
   * The write was applied by the Redis primary but not confirmed on enough replicas in time: it may not survive
   * a failover. Safe to retry (a login step with the same {@code Idempotency-Key}; an émargement as it is).
   */
  WRITE_UNCONFIRMED(503, "The write could not be confirmed on enough replicas; retry"),
  /**
   * Admission control held a new login back (issue 17, point 1): nothing changed; retry after {@code Retry-After}
   * with the {@code admissionTicket} to keep the place.
   */
  OVERLOADED(503, "The gateway is busy: your place is kept, retry after Retry-After");

  private final int status;
  private final String title;

  ProblemType(int status, String title) {
    this.status = status;
    this.title = title;
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  /** The type URI, relative to the gateway: {@code /problems/<kebab name>}, a page that describes the type. */
  public String uri() {
    return "/problems/" + kebabName();
  }

  /** {@code account-locked} for {@code ACCOUNT_LOCKED}: the last segment of {@link #uri()}. */
  public String kebabName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The type whose {@link #kebabName()} is {@code name}, if any. */
  public static java.util.Optional<ProblemType> fromKebabName(String name) {
    for (ProblemType t : values()) {
      if (t.kebabName().equals(name)) {
        return java.util.Optional.of(t);
      }
    }
    return java.util.Optional.empty();
  }
}
