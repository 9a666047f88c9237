package fr.sesame.gateway.auth;

import fr.sesame.gateway.audit.AuditEvent;
import fr.sesame.gateway.audit.AuditTrail;
import fr.sesame.gateway.crypto.CipherContext;
import fr.sesame.gateway.crypto.CipherContext.VoterField;
import fr.sesame.gateway.crypto.FieldCipher;
import fr.sesame.gateway.domain.ClientInfo;
import fr.sesame.gateway.domain.Contacts;
import fr.sesame.gateway.domain.Election;
import fr.sesame.gateway.domain.VoterKey;
import fr.sesame.gateway.store.EmargementStore;
import fr.sesame.gateway.store.VoterStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What support agents see of a voter and what they may do: unlock. */
public final class SupportService {
  /**
   * A voter's status as support sees it; contacts are masked ({@code postalTown}: of a postal address on the roll,
   * the town only; null when none).
   */
  public record VoterStatus(String identifier, String college, boolean locked, long failedAttempts, Instant lockedAt,
                            Instant lastLoginAt, String maskedPhone, String maskedEmail, String postalTown,
                            boolean hasVoted, List<Login> recentLogins, Optional<LastCode> lastCode) {}

  /** A login that opened a session: when, from which address. */
  public record Login(Instant at, String ip) {}

  /**
   * The voter's current login code as the outbox knows it: on which channel, its delivery status ({@code sent},
   * {@code delivered}, {@code failed}, {@code pending}...), by which provider, when last updated, the resends
   * used, and whether it is still valid.
   */
  public record LastCode(String channel, String status, String provider, Instant updatedAt, long resends,
                         boolean valid) {}

  private final VoterStore voters;
  private final EmargementStore emargements;
  private final AuditTrail audit;
  private final VoterKeys keys;
  private final FieldCipher cipher;
  private final Clock clock;
  private final fr.sesame.gateway.notify.NotificationService notifications;
  private final LoginService logins;
  private final fr.sesame.gateway.store.LockIndex locks;

  public SupportService(VoterStore voters, EmargementStore emargements, AuditTrail audit, VoterKeys keys,
                        FieldCipher cipher, Clock clock, fr.sesame.gateway.notify.NotificationService notifications,
                        LoginService logins, fr.sesame.gateway.store.LockIndex locks) {
    this.locks = locks;
    this.notifications = notifications;
    this.logins = logins;
    this.voters = voters;
    this.emargements = emargements;
    this.audit = audit;
    this.keys = keys;
    this.cipher = cipher;
    this.clock = clock;
  }

  /** @return the voter's status, empty when the identifier is not on this election's roll */
  public Future<Optional<VoterStatus>> status(String electionId, String identifier) {
    VoterKey voter = keys.of(electionId, identifier);
    Future<Optional<VoterStore.VoterRecord>> fields = voters.read(voter);
    Future<Boolean> voted = emargements.hasVoted(electionId, voter.pseudonym());
    Future<Optional<LastCode>> code = lastCode(voter);
    return Future.all(fields, voted, code).map(cf -> {
      if (fields.result().isEmpty()) {
        return Optional.empty();
      }
      VoterStore.VoterRecord v = fields.result().get();
      String p = voter.pseudonym();
      String phone = v.phoneEnc() != null ? cipher.decrypt(v.phoneEnc(), CipherContext.voter(p, VoterField.PHONE))
          : v.loginPhoneEnc() != null ? cipher.decrypt(v.loginPhoneEnc(), CipherContext.voter(p, VoterField.LOGIN_PHONE))
          : null;
      String email = v.emailEnc() != null ? cipher.decrypt(v.emailEnc(), CipherContext.voter(p, VoterField.EMAIL))
          : null;
      String postal = v.postalEnc() != null
          ? cipher.decrypt(v.postalEnc(), CipherContext.voter(p, VoterField.POSTAL_ADDRESS)) : null;
      return Optional.of(new VoterStatus(identifier, v.college(), v.locked(), v.failures(), instant(v.lockedAtMs()),
          instant(v.lastLoginMs()), phone == null ? null : Contacts.maskPhone(phone),
          email == null ? null : Contacts.maskEmail(email), postal == null ? null : Contacts.maskPostalAddress(postal),
          voted.result(), v.recentLogins().stream()
              .map(l -> new Login(Instant.ofEpochMilli(l.atMs()), l.ip())).toList(), code.result()));
    });
  }

  private Future<Optional<LastCode>> lastCode(VoterKey voter) {
    return voters.currentChallenge(voter).compose(found -> {
      if (found.isEmpty() || found.get().notificationId().isEmpty()) {
        return Future.succeededFuture(Optional.<LastCode>empty());
      }
      VoterStore.CurrentChallenge c = found.get();
      boolean valid = c.expiresAtMs() > clock.millis();
      return notifications.status(c.notificationId()).map(n -> Optional.of(new LastCode(c.channel(),
          n.map(j -> j.getString("status")).orElse("unknown"), n.map(j -> j.getString("provider")).orElse(null),
          n.map(j -> j.getString("updatedAt")).filter(t -> t != null && !t.isEmpty()).map(Instant::parse)
              .orElse(null), c.resends(), valid)));
    });
  }

  /**
   * A new code for the voter's current challenge (the same code while it is valid), on its channel, asked by
   * support for the voter: the login service's own resend, limited and counted as the voter's would be, audited
   * under the agent's identity.
   * @return the outcome; empty when the voter has no challenge waiting for a code (never logged in, or done)
   */
  public Future<Optional<LoginOutcome>> resend(Election election, String identifier, ClientInfo by) {
    VoterKey voter = keys.of(election.id(), identifier);
    return voters.currentChallenge(voter).compose(found -> {
      if (found.isEmpty() || found.get().channel().isEmpty()) {
        return Future.succeededFuture(Optional.<LoginOutcome>empty());
      }
      String challenge = found.get().storedId().substring(election.id().length() + 1);
      return audit.record(election.id(), AuditEvent.of(clock.instant(), "support.resend", by.actor(), by.ip(),
              "asked", "voter", voter.pseudonym()))
          .compose(v -> logins.resend(election, challenge, Optional.empty(), by)).map(Optional::of);
    });
  }

  /** What a réassort did. */
  public enum Reassort { SENT, ALREADY_SENT, NOT_ON_ROLL, NO_CONTACT, NO_PLATFORM_URL, REFUSED }

  /** How long a réassort by one channel stands for the voter: asked again within it, nothing is sent again. */
  public static final java.time.Duration REASSORT_WINDOW = java.time.Duration.ofMinutes(10);

  /**
   * The réassort: the voter's access information (identifier and the platform's address; never the secret) sent
   * again by {@code channel} (email, SMS, or post to the roll's postal address) to the roll's contact, as support asks for a voter who lost it (a
   * ministry platform's re-issue failed during the 2022 vote). At most one a voter, channel and 10 minutes (a
   * second asks nothing of the outbox); the outbox's caps on paid sends apply; audited under the agent.
   */
  public Future<Reassort> reassort(Election election, String identifier, fr.sesame.channels.ChannelKind channel,
                                   ClientInfo by) {
    if (election.platformUrl() == null) {
      return Future.succeededFuture(Reassort.NO_PLATFORM_URL);
    }
    VoterKey voter = keys.of(election.id(), identifier);
    return voters.read(voter).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(Reassort.NOT_ON_ROLL);
      }
      VoterStore.VoterRecord v = found.get();
      String p = voter.pseudonym();
      String to = contactOf(p, v, channel).orElse(null);
      if (to == null) {
        return Future.succeededFuture(Reassort.NO_CONTACT);
      }
      long window = clock.millis() / REASSORT_WINDOW.toMillis();
      var request = accessRequest(election, identifier, channel, to,
          "reassort:" + p + ":" + channel.wireName() + ":" + window, null);
      return notifications.accept(request, by).compose(a -> {
        Reassort outcome = a.refused() != null ? Reassort.REFUSED : a.created() ? Reassort.SENT
            : Reassort.ALREADY_SENT;
        return audit.record(election.id(), AuditEvent.of(clock.instant(), "support.reassort", by.actor(), by.ip(),
                outcome.name().toLowerCase(java.util.Locale.ROOT), "voter", p, "channel", channel.wireName(),
                "to", masked(channel, to)))
            .map(outcome);
      });
    });
  }

  /** A contact as the audit trail shows it: an email or phone masked, of a postal address the town only. */
  private static String masked(fr.sesame.channels.ChannelKind channel, String to) {
    return switch (channel) {
      case EMAIL -> Contacts.maskEmail(to);
      case POST -> Contacts.maskPostalAddress(to);
      default -> Contacts.maskPhone(to);
    };
  }

  /**
   * The voter's contact on the roll for {@code channel}: the email for email; for SMS the roll's phone, else the one
   * given at login; for post the roll's postal address; empty when the roll has none.
   */
  public Optional<String> contactOf(String pseudonym, VoterStore.VoterRecord v, fr.sesame.channels.ChannelKind channel) {
    String to = switch (channel) {
      case EMAIL -> v.emailEnc() == null ? null
          : cipher.decrypt(v.emailEnc(), CipherContext.voter(pseudonym, VoterField.EMAIL));
      case SMS -> v.phoneEnc() != null ? cipher.decrypt(v.phoneEnc(), CipherContext.voter(pseudonym, VoterField.PHONE))
          : v.loginPhoneEnc() != null
          ? cipher.decrypt(v.loginPhoneEnc(), CipherContext.voter(pseudonym, VoterField.LOGIN_PHONE)) : null;
      case POST -> v.postalEnc() == null ? null
          : cipher.decrypt(v.postalEnc(), CipherContext.voter(pseudonym, VoterField.POSTAL_ADDRESS));
      default -> null;
    };
    return Optional.ofNullable(to);
  }

  /**
   * The access information as the réassort and the credential campaigns send it: template {@code access-codes} (by
   * email, SMS or post: a letter), the election's name, the voter's identifier and the platform's address (never the
   * secret), on the bulk lane.
   * @param campaign the campaign sending it ({@code <election>:<id>}), or null
   */
  public static fr.sesame.gateway.notify.NotificationService.Request accessRequest(Election election,
      String identifier, fr.sesame.channels.ChannelKind channel, String to, String idempotencyKey, String campaign) {
    return new fr.sesame.gateway.notify.NotificationService.Request(channel, to, "access-codes", "fr",
        java.util.Map.of("electionName", election.name(), "identifier", identifier, "url", election.platformUrl()),
        idempotencyKey, election.id(), null, null, campaign);
  }

  /** @return whether the voter was locked; empty when not on the roll */
  public Future<Optional<Boolean>> unlock(String electionId, String identifier, String reason, ClientInfo client) {
    VoterKey voter = keys.of(electionId, identifier);
    return unlock(voter, reason, client, null);
  }

  private Future<Optional<Boolean>> unlock(VoterKey voter, String reason, ClientInfo client, String bulk) {
    String electionId = voter.electionId();
    return voters.unlock(voter).compose(r -> {
      if (r == VoterStore.UnlockResult.NOT_ON_ROLL) {
        return locks.unlocked(electionId, voter.pseudonym()).map(Optional.<Boolean>empty());
      }
      boolean was = r == VoterStore.UnlockResult.WAS_LOCKED;
      return audit.record(electionId, AuditEvent.of(clock.instant(), "voter.unlock", client.actor(), client.ip(),
              was ? "unlocked" : "was-not-locked", "voter", voter.pseudonym(), "reason", reason, "bulk", bulk))
          .compose(v -> locks.unlocked(electionId, voter.pseudonym()))
          .map(Optional.of(was));
    });
  }

  /**
   * At most this many voters are unlocked by one bulk unlock (the request stays short; a larger wave is unlocked
   * by asking again: the ones done have left the index).
   */
  public static final int BULK_LIMIT = 1_000;

  /**
   * Unlocks the voters of {@code electionId} locked between {@code from} and {@code to} (a wave of locks an
   * incident caused), each audited on its own ({@code voter.unlock} with the reason and the window).
   * @return how many were unlocked
   */
  public Future<Integer> unlockWindow(String electionId, Instant from, Instant to, String reason, ClientInfo by) {
    String window = from + "/" + to;
    return locks.lockedBetween(electionId, from.toEpochMilli(), to.toEpochMilli(), BULK_LIMIT).compose(ps -> {
      Future<Integer> done = Future.succeededFuture(0);
      for (String p : ps) { // one after the other: a large wave does not flood Redis at once
        done = done.compose(n -> unlock(new VoterKey(electionId, p), reason, by, window)
            .map(was -> was.orElse(false) ? n + 1 : n));
      }
      return done;
    });
  }

  /** Decrypts the identity fields stored with a voter ({@code i}, {@code l}, {@code f}, {@code b}). */
  public JsonObject identity(String pseudonym, String identityEnc) {
    return new JsonObject(cipher.decrypt(identityEnc, CipherContext.voter(pseudonym, VoterField.IDENTITY)));
  }

  private static Instant instant(long ms) {
    return ms == 0 ? null : Instant.ofEpochMilli(ms);
  }
}
