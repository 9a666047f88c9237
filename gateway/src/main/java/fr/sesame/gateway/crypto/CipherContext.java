package fr.sesame.gateway.crypto;

/**
 * The associated data (AAD) that binds each encrypted personal-data field to what it belongs to, so a
 * ciphertext copied to another voter, field or notification does not decrypt.
 *
 * <p><b>Frozen.</b> These strings are part of the stored data's format, not of the store's key layout: a
 * store may rename or re-slot its keys (Redis Cluster, a migration) and every value must still decrypt. They
 * were first written by release 0.1 (commit 90a0556), when they happened to equal the Redis key name
 * followed by {@code |field}; that text is kept byte for byte, as constants here, and must never be derived
 * from a key name again. {@code CipherContextFixtureTest} decrypts data that release wrote. A new kind of
 * field gets a new constant; an existing one never changes (docs/design.md, "Encryption and hash contexts").
 */
public final class CipherContext {
  private static final String VOTER_PREFIX = "gw:{v:";
  private static final String VOTER_SUFFIX = "}|";
  private static final String NOTIFICATION_PREFIX = "gw:{nt}:c:";

  private CipherContext() {}

  /** An encrypted field of a voter. {@link #frozenName()} is part of the AAD. */
  public enum VoterField {
    /** The identity from the roll (JSON: identifier, names, birth date). */
    IDENTITY("n"),
    /** The email address from the roll. */
    EMAIL("e"),
    /** The phone number from the roll. */
    PHONE("p"),
    /** The phone number the voter gave at login (remembered). */
    LOGIN_PHONE("lp"),
    /**
     * The postal address from the roll (its optional {@code postalAddress} column: lines joined by newlines). New
     * with issue 15; frozen from then on.
     */
    POSTAL_ADDRESS("a");

    private final String frozenName;

    VoterField(String frozenName) {
      this.frozenName = frozenName;
    }

    public String frozenName() {
      return frozenName;
    }
  }

  /** An encrypted field of a notification's content. */
  public enum NotificationField {
    /** The recipient (email address, E.164 number or postal address). */
    RECIPIENT("to"),
    /** The template's data (JSON). */
    DATA("d"),
    /** The files attached to an email (JSON array of {n filename, t content type, b Base64 bytes}). */
    ATTACHMENTS("f");

    private final String frozenName;

    NotificationField(String frozenName) {
      this.frozenName = frozenName;
    }

    public String frozenName() {
      return frozenName;
    }
  }

  /** The AAD of a voter's field: the voter's pseudonym and the field. */
  public static String voter(String pseudonym, VoterField field) {
    return VOTER_PREFIX + pseudonym + VOTER_SUFFIX + field.frozenName;
  }

  /**
   * The AAD of a login code kept (encrypted) with a step's outcome for its Idempotency-Key: the challenge id as
   * stored ({@code election/challenge}). New with issue 12; frozen from then on.
   */
  public static String loginCode(String challengeId) {
    return "login-code|" + challengeId;
  }

  /**
   * The AAD of a staff account's encrypted field ({@code email}, {@code name}, {@code totp}): the account id and
   * the field. New with issue 15; frozen from then on.
   */
  public static String staff(String staffId, String field) {
    return "gw:{sf:" + staffId + "}|" + field;
  }

  /** The AAD of a notification's content field: the notification id and the field. */
  public static String notification(String notificationId, NotificationField field) {
    return NOTIFICATION_PREFIX + notificationId + "|" + field.frozenName;
  }
}
