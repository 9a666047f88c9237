package fr.sesame.gateway.auth;

import fr.sesame.gateway.domain.College;
import fr.sesame.gateway.domain.VoterKey;
import fr.sesame.gateway.domain.ClientInfo;
import fr.sesame.gateway.domain.Contacts;
import fr.sesame.gateway.crypto.HashPurpose;
import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.templates.TemplateCatalog;
import fr.sesame.gateway.audit.AuditEvent;
import fr.sesame.gateway.audit.AuditTrail;
import fr.sesame.gateway.config.LockoutConfig;
import fr.sesame.gateway.config.OtpConfig;
import fr.sesame.gateway.config.SessionConfig;
import fr.sesame.gateway.crypto.CipherContext;
import fr.sesame.gateway.crypto.CipherContext.VoterField;
import fr.sesame.gateway.crypto.FieldCipher;
import fr.sesame.gateway.crypto.KeyedHasher;
import fr.sesame.gateway.crypto.RandomTokens;
import fr.sesame.gateway.domain.Election;
import fr.sesame.gateway.domain.SecretKind;
import fr.sesame.gateway.metrics.GatewayMetrics;
import fr.sesame.gateway.notify.NotificationService;
import fr.sesame.gateway.store.StepResult;
import fr.sesame.gateway.store.VoterStore;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The voter login: knowledge secret, then a one-time code, then a session. Each step costs one Redis round
 * trip for the decision (a Lua script) and one for the outbox accept and the audit events, sent together.
 *
 * <p>Failures of both steps count together; at {@code maxFailures} the account locks until support
 * unlocks it. Only a complete login (right code) resets the count: a right secret alone does not, or
 * someone holding the secret could try codes without end.
 */
public final class LoginService {
  private final VoterStore voters;
  private final NotificationService notifications;
  private final AuditTrail audit;
  private final VoterKeys keys;
  private final KeyedHasher hasher;
  private final FieldCipher cipher;
  private final RandomTokens random;
  private final Clock clock;
  private final LockoutConfig lockout;
  private final OtpConfig otp;
  private final SessionConfig sessions;
  private final GatewayMetrics metrics;
  private final LoginLimits limits;
  private final java.util.function.BiFunction<String, String, Future<Void>> onLock;

  /** @param onLock told of each voter this service locks (election id, pseudonym): the lockout alarm */
  public LoginService(VoterStore voters, NotificationService notifications, AuditTrail audit, VoterKeys keys,
                      KeyedHasher hasher, FieldCipher cipher, RandomTokens random, Clock clock, LockoutConfig lockout,
                      OtpConfig otp, SessionConfig sessions, GatewayMetrics metrics, LoginLimits limits,
                      java.util.function.BiFunction<String, String, Future<Void>> onLock) {
    this.onLock = onLock;
    this.limits = limits;
    this.voters = voters;
    this.notifications = notifications;
    this.audit = audit;
    this.keys = keys;
    this.hasher = hasher;
    this.cipher = cipher;
    this.random = random;
    this.clock = clock;
    this.lockout = lockout;
    this.otp = otp;
    this.sessions = sessions;
    this.metrics = metrics;
  }

  /**
   * How long a login step's outcome is kept for its Idempotency-Key: long enough for a client's retries after a
   * 503 or a lost answer, short enough to be forgotten well within a code's validity window.
   */
  static final Duration IDEMPOTENCY_TTL = Duration.ofMinutes(5);

  /** Login step 1 without an Idempotency-Key. */
  public Future<LoginOutcome> start(Election election, String identifier, String secret, ChannelKind channel,
                                    Optional<String> givenPhone, String lang, ClientInfo client) {
    return start(election, identifier, secret, channel, givenPhone, lang, client, Optional.empty());
  }

  /**
   * Login step 1. {@code givenPhone} is E.164 (already validated) or empty. {@code lang} (one of
   * {@link TemplateCatalog#LANGUAGES}, already validated) is the language of the code's message, kept with the
   * challenge for its resends. With {@code idempotencyKey}, a repeat of the key answers the first outcome (its
   * challenge, its code sent if it was not yet) and counts or charges nothing again; the language is part of what
   * the request asked, like the secret and the channel.
   */
  public Future<LoginOutcome> start(Election election, String identifier, String secret, ChannelKind channel,
                                    Optional<String> givenPhone, String lang, ClientInfo client,
                                    Optional<String> idempotencyKey) {
    return first(election, identifier, secret, java.util.Objects.requireNonNull(channel, "channel"), givenPhone, lang,
        client, idempotencyKey);
  }

  /**
   * Login step 1 without a channel: the knowledge secret only, counted, limited and audited as {@link #start}
   * does. When it is right, a challenge opens without a code ({@link LoginOutcome.SecretAccepted}: the college's
   * channels and which contacts the voter has), and {@link #chooseChannel} sends its first code. The college's
   * channels are told only to whoever proved the secret: no answer here tells whether an identifier exists.
   */
  public Future<LoginOutcome> checkSecret(Election election, String identifier, String secret, String lang,
                                          ClientInfo client, Optional<String> idempotencyKey) {
    return first(election, identifier, secret, null, Optional.empty(), lang, client, idempotencyKey);
  }

  /** Step 1, with a channel (a code goes out) or without ({@code channel} null: the secret only). */
  private Future<LoginOutcome> first(Election election, String identifier, String secret, ChannelKind channel,
                                     Optional<String> givenPhone, String lang, ClientInfo client,
                                     Optional<String> idempotencyKey) {
    Instant now = clock.instant();
    String wire = channel == null ? "" : channel.wireName();
    VoterKey voter = keys.of(election.id(), identifier);
    String secretHash = hasher.hashText(HashPurpose.SECRET, election.id(), identifier, SecretKind.canonical(secret));
    String challengeId = keys.newChallengeId(voter);
    String code = random.digits(otp.digits());
    String notificationId = notifications.newId();
    VoterStore.NewChallenge challenge = new VoterStore.NewChallenge(election.id() + "/" + challengeId,
        codeHash(election.id(), challengeId, code), now.plus(otp.validity()).toEpochMilli(), otp.challengeTtl().toMillis(),
        notificationId, lang);
    String phoneEnc = givenPhone.map(p -> cipher.encrypt(p, CipherContext.voter(voter.pseudonym(),
        VoterField.LOGIN_PHONE))).orElse("");
    String phoneClaim = givenPhone.map(p -> hasher.hashText(HashPurpose.PHONE_CLAIM, election.id(), p)).orElse("");
    return voters.checkSecret(new VoterStore.SecretCheck(voter, now.toEpochMilli(), lockout.maxFailures(), secretHash,
            lockout.unknownIdentifierTtl().toMillis(), wire,
            channel == null ? Set.of() : election.collegesAllowing(channel), phoneEnc,
            phoneClaim, challenge, limits.start(election.id(), client.ip(), voter.pseudonym(), now),
            idempotency(election.id(), "secret", idempotencyKey,
                secretHash + "|" + wire + "|" + lang, challenge.challengeId(), channel == null ? null : code)))
        .compose(r -> {
          List<AuditEvent> events = new ArrayList<>();
          String actor = "voter:" + voter.pseudonym();
          String repeat = r.repeat() != null ? "yes" : null; // an audit detail: this answer repeats the first
          if (r.code() == StepResult.Code.RATE_LIMITED) {
            return Future.succeededFuture(limited("secret", r)); // counted in metrics; not audited (a flood)
          }
          if (r.code() != StepResult.Code.OK) {
            LoginOutcome outcome = failure(r, channel);
            metrics.login("secret", repeat != null ? "repeat" : outcome.kind().outcomeName());
            events.add(AuditEvent.of(now, "login.secret", actor, client.ip(), outcome.kind().outcomeName(),
                "channel", channel == null ? null : wire, "failures", r.failures() > 0 ? r.failures() : null,
                "repeat", repeat));
            if (repeat == null) {
              lockEvent(r, now, actor, client, events);
            }
            return audit.record(election.id(), events).compose(v -> lockedNow(r, repeat, election.id(), voter))
                .map(outcome);
          }
          metrics.login("secret", repeat != null ? "repeat" : LoginOutcome.Kind.SUCCESS.outcomeName());
          events.add(AuditEvent.of(now, "login.secret", actor, client.ip(), LoginOutcome.Kind.SUCCESS.outcomeName(),
              "channel", channel == null ? null : wire, "repeat", repeat));
          if (channel == null) {
            String opened = r.repeat() != null ? localChallenge(election.id(), r.repeat().challengeId()) : challengeId;
            Set<ChannelKind> offered = election.college(r.college()).map(College::otpChannels).orElse(Set.of());
            LoginOutcome accepted = new LoginOutcome.SecretAccepted(opened, offered, r.destValue().contains("e"),
                r.destValue().contains("p"));
            return audit.record(election.id(), events).map(accepted);
          }
          String to = cipher.decrypt(r.destValue(), CipherContext.voter(voter.pseudonym(), r.destField()));
          // a repeat sends the first request's code for its challenge through its notification: the outbox's
          // own idempotency key (challenge and notification) makes that a no-op if it was accepted already
          String sentChallenge = r.repeat() != null ? localChallenge(election.id(), r.repeat().challengeId())
              : challengeId;
          String sentNotification = r.repeat() != null ? r.repeat().notificationId() : notificationId;
          String sentCode = r.repeat() != null ? cipher.decrypt(r.repeat().codeEnc(),
              CipherContext.loginCode(r.repeat().challengeId())) : code;
          return send(sentNotification, channel, lang, to, sentCode, "", events, actor, client, "otp.sent",
              election.id(), sentChallenge)
              .map(sent -> sent.orElseGet(() -> new LoginOutcome.OtpSent(sentChallenge, channel, mask(channel, to),
                  otp.validity().toSeconds(), -1)));
        });
  }

  /** Login step 2 without an Idempotency-Key. */
  public Future<LoginOutcome> verify(Election election, String challengeId, String code, ClientInfo client) {
    return verify(election, challengeId, code, client, Optional.empty());
  }

  /**
   * Login step 2. {@code code} has the configured number of digits (already validated). With
   * {@code idempotencyKey}, a repeat answers the first outcome; if that opened a session, the repeat's new token
   * gets it (the first token, maybe never received, is ended), instead of a 404 for a used challenge.
   */
  public Future<LoginOutcome> verify(Election election, String challengeId, String code, ClientInfo client,
                                     Optional<String> idempotencyKey) {
    Optional<VoterKey> found = keys.fromChallengeId(election.id(), challengeId);
    if (found.isEmpty()) {
      metrics.login("code", LoginOutcome.Kind.UNKNOWN_CHALLENGE.outcomeName());
      return Future.succeededFuture(new LoginOutcome.UnknownChallenge());
    }
    VoterKey voter = found.get();
    Instant now = clock.instant();
    String token = keys.newSessionToken(voter);
    String sessionId = HexFormat.of().formatHex(random.bytes(12));
    String codeHash = codeHash(election.id(), challengeId, code);
    String localChallenge = election.id() + "/" + challengeId;
    return voters.checkCode(new VoterStore.CodeCheck(voter, now.toEpochMilli(), lockout.maxFailures(),
            localChallenge, codeHash, keys.sessionKeyHash(token),
            sessions.idleTimeout().toMillis(), sessionId, client.ip(), limits.verify(election.id(), client.ip(), now),
            idempotency(election.id(), "code", idempotencyKey, codeHash, localChallenge, null)))
        .compose(r -> {
          if (r.code() == StepResult.Code.RATE_LIMITED) {
            return Future.succeededFuture(limited("code", r));
          }
          String actor = "voter:" + voter.pseudonym();
          String repeat = r.repeat() != null ? "yes" : null;
          List<AuditEvent> events = new ArrayList<>();
          LoginOutcome outcome = r.code() == StepResult.Code.OK
              ? new LoginOutcome.SessionOpened(token, sessions.idleTimeout().toSeconds())
              : failure(r, null);
          metrics.login("code", repeat != null ? "repeat" : outcome.kind().outcomeName());
          events.add(AuditEvent.of(now, "login.code", actor, client.ip(), outcome.kind().outcomeName(),
              "failures", r.failures() > 0 ? r.failures() : null, "repeat", repeat));
          if (repeat == null) {
            lockEvent(r, now, actor, client, events);
          }
          if (r.code() == StepResult.Code.OK) {
            // on a repeat, the session the first answer carried was ended and this one opened in its place
            events.add(AuditEvent.of(now, "session.start", actor, client.ip(), "success", "session", sessionId,
                "college", r.college(), "repeat", repeat));
          }
          return audit.record(election.id(), events).compose(v -> lockedNow(r, repeat, election.id(), voter))
              .map(outcome);
        });
  }

  /**
   * The first code of a challenge that {@link #checkSecret} opened: on {@code channel}, which the voter's college
   * must allow, to the roll's contact or to {@code givenPhone} (E.164, already validated) as {@link #start} does,
   * in the language the secret step chose. Once per challenge (then {@link #resend}); with
   * {@code idempotencyKey}, a repeat answers the first outcome (its code sent if it was not yet).
   */
  public Future<LoginOutcome> chooseChannel(Election election, String challengeId, ChannelKind channel,
                                            Optional<String> givenPhone, ClientInfo client,
                                            Optional<String> idempotencyKey) {
    Optional<VoterKey> found = keys.fromChallengeId(election.id(), challengeId);
    if (found.isEmpty()) {
      metrics.login("channel", LoginOutcome.Kind.UNKNOWN_CHALLENGE.outcomeName());
      return Future.succeededFuture(new LoginOutcome.UnknownChallenge());
    }
    VoterKey voter = found.get();
    Instant now = clock.instant();
    String code = random.digits(otp.digits());
    String notificationId = notifications.newId();
    String stored = election.id() + "/" + challengeId;
    String phoneEnc = givenPhone.map(p -> cipher.encrypt(p, CipherContext.voter(voter.pseudonym(),
        VoterField.LOGIN_PHONE))).orElse("");
    String phoneClaim = givenPhone.map(p -> hasher.hashText(HashPurpose.PHONE_CLAIM, election.id(), p)).orElse("");
    return voters.chooseChannel(new VoterStore.ChannelChoice(voter, stored,
            codeHash(election.id(), challengeId, code), now.plus(otp.validity()).toEpochMilli(), channel.wireName(),
            election.collegesAllowing(channel), phoneEnc, phoneClaim, notificationId,
            limits.channel(election.id(), client.ip(), now),
            idempotency(election.id(), "channel", idempotencyKey,
                challengeId + "|" + channel.wireName() + "|" + phoneClaim, stored, code)))
        .compose(r -> {
          if (r.code() == StepResult.Code.RATE_LIMITED) {
            return Future.succeededFuture(limited("channel", r));
          }
          String actor = "voter:" + voter.pseudonym();
          String repeat = r.repeat() != null ? "yes" : null;
          List<AuditEvent> events = new ArrayList<>();
          if (r.code() != StepResult.Code.OK) {
            LoginOutcome outcome = failure(r, channel);
            metrics.login("channel", repeat != null ? "repeat" : outcome.kind().outcomeName());
            events.add(AuditEvent.of(now, "login.channel", actor, client.ip(), outcome.kind().outcomeName(),
                "channel", channel.wireName(), "repeat", repeat));
            return audit.record(election.id(), events).map(outcome);
          }
          metrics.login("channel", repeat != null ? "repeat" : LoginOutcome.Kind.SUCCESS.outcomeName());
          events.add(AuditEvent.of(now, "login.channel", actor, client.ip(), LoginOutcome.Kind.SUCCESS.outcomeName(),
              "channel", channel.wireName(), "repeat", repeat));
          String to = cipher.decrypt(r.destValue(), CipherContext.voter(voter.pseudonym(), r.destField()));
          String sentNotification = r.repeat() != null ? r.repeat().notificationId() : notificationId;
          String sentCode = r.repeat() != null ? cipher.decrypt(r.repeat().codeEnc(),
              CipherContext.loginCode(r.repeat().challengeId())) : code;
          String lang = r.lang().isEmpty() ? TemplateCatalog.DEFAULT_LANGUAGE : r.lang();
          return send(sentNotification, channel, lang, to, sentCode, "", events, actor, client, "otp.sent",
              election.id(), challengeId)
              .map(sent -> sent.orElseGet(() -> new LoginOutcome.OtpSent(challengeId, channel, mask(channel, to),
                  otp.validity().toSeconds(), -1)));
        });
  }

  /** A resend without an Idempotency-Key. */
  public Future<LoginOutcome> resend(Election election, String challengeId, Optional<ChannelKind> channel,
                                     ClientInfo client) {
    return resend(election, challengeId, channel, client, Optional.empty());
  }

  /**
   * A new code for the same challenge, on the same channel or on {@code channel}, in the language the first step
   * chose (French for a challenge that kept none). With {@code idempotencyKey}, a repeat answers the first
   * outcome (its code sent if it was not yet) and uses up no resend.
   */
  public Future<LoginOutcome> resend(Election election, String challengeId, Optional<ChannelKind> channel,
                                     ClientInfo client, Optional<String> idempotencyKey) {
    Optional<VoterKey> found = keys.fromChallengeId(election.id(), challengeId);
    if (found.isEmpty()) {
      metrics.login("resend", LoginOutcome.Kind.UNKNOWN_CHALLENGE.outcomeName());
      return Future.succeededFuture(new LoginOutcome.UnknownChallenge());
    }
    VoterKey voter = found.get();
    Instant now = clock.instant();
    String code = random.digits(otp.digits());
    String notificationId = notifications.newId();
    return voters.resend(new VoterStore.Resend(voter, now.toEpochMilli(), election.id() + "/" + challengeId,
            codeHash(election.id(), challengeId, code), now.plus(otp.validity()).toEpochMilli(), otp.maxResends(),
            channel.map(ChannelKind::wireName).orElse(""), channel.map(election::collegesAllowing).orElse(Set.of()),
            notificationId, limits.resend(election.id(), client.ip(), voter.pseudonym(), now),
            idempotency(election.id(), "resend", idempotencyKey,
                challengeId + "|" + channel.map(ChannelKind::wireName).orElse(""), election.id() + "/" + challengeId, code)))
        .compose(r -> {
          if (r.code() == StepResult.Code.RATE_LIMITED) {
            return Future.succeededFuture(limited("resend", r));
          }
          String actor = "voter:" + voter.pseudonym();
          String repeat = r.repeat() != null ? "yes" : null;
          List<AuditEvent> events = new ArrayList<>();
          if (r.code() != StepResult.Code.OK) {
            LoginOutcome outcome = failure(r, channel.orElse(null));
            metrics.login("resend", repeat != null ? "repeat" : outcome.kind().outcomeName());
            events.add(AuditEvent.of(now, "otp.resend", actor, client.ip(), outcome.kind().outcomeName(),
                "repeat", repeat));
            return audit.record(election.id(), events).map(outcome);
          }
          metrics.login("resend", repeat != null ? "repeat" : LoginOutcome.Kind.SUCCESS.outcomeName());
          ChannelKind used = ChannelKind.fromWire(r.channel()).orElseThrow();
          String to = cipher.decrypt(r.destValue(), CipherContext.voter(voter.pseudonym(), r.destField()));
          // a repeat sends what the first request was to send, through its notification (a no-op if accepted)
          String sentNotification = r.repeat() != null ? r.repeat().notificationId() : notificationId;
          String sentCode = r.repeat() != null && !r.repeat().codeEnc().isEmpty()
              ? cipher.decrypt(r.repeat().codeEnc(), CipherContext.loginCode(r.repeat().challengeId())) : code;
          String lang = r.lang().isEmpty() ? TemplateCatalog.DEFAULT_LANGUAGE : r.lang();
          return send(sentNotification, used, lang, to, sentCode, r.sameCodeNotification(), events, actor, client,
                  "otp.resent", election.id(), challengeId)
              .map(sent -> sent.orElseGet(() -> new LoginOutcome.OtpSent(challengeId, used, mask(used, to),
                  otp.validity().toSeconds(), r.resendsLeft())));
        });
  }

  /**
   * Queues the code in the durable outbox (so a crash or a provider's late "undelivered" report does not
   * lose it) and appends the audit events, both sent together: one round trip. Then waits up to
   * {@code otp.sendWait} for the outcome: empty when the code went (or is still going) out; else why not
   * (the send failed for good, or a cap on paid sends refused it).
   * @param sameCodeFrom "" to send {@code code}; else the notification that carried the still valid code,
   *                     which the outbox copies in its accept script (no extra round trip)
   */
  private Future<Optional<LoginOutcome>> send(String notificationId, ChannelKind channel, String lang, String to,
                               String code, String sameCodeFrom, List<AuditEvent> events, String actor,
                               ClientInfo client, String type, String electionId, String challengeId) {
    boolean sameCode = !sameCodeFrom.isEmpty();
    var request = new NotificationService.Request(channel, to, "login-code", lang,
        sameCode ? Map.of() : codeData(code, otp.validity()), challengeId + ":" + notificationId, electionId,
        otp.validity().multipliedBy(2), // the code is useless after its validity: its content goes soon after
        sameCode ? sameCodeFrom : null);
    events.add(AuditEvent.of(clock.instant(), type, actor, client.ip(), "queued", "channel", channel.wireName(),
        "to", mask(channel, to)));
    Future<NotificationService.Outcome> sent = notifications.acceptAndAwait(notificationId, request,
        new ClientInfo(client.ip(), actor), otp.sendWait());
    Future<Void> audited = audit.record(electionId, events);
    return Future.all(sent, audited).compose(cf -> {
      NotificationService.Outcome o = sent.result();
      metrics.otpSend(channel.wireName(), o.status());
      if (o.refused() != null) {
        // the accept and the "otp.sent" event went together; this tells the trail the code did not go
        // (a third round trip, on this refused path only)
        return audit.record(electionId, List.of(AuditEvent.of(clock.instant(), "otp.refused", actor, client.ip(),
                o.refused().suspended() ? "suspended" : "rate-limited", "channel", channel.wireName())))
            .map(v -> Optional.of(new LoginOutcome.RateLimited(o.refused().decision(), o.refused().suspended())));
      }
      return Future.succeededFuture("failed".equals(o.status()) ? Optional.of(new LoginOutcome.SendFailed(channel))
          : Optional.<LoginOutcome>empty());
    });
  }

  /**
   * A step's Idempotency-Key as the store keeps it: the key hashed with the election, the step and what the
   * request asked ({@code request}: the secret's or the code's hash, the channel), so the key never reaches Redis
   * as given and a request that reuses a key with other content is a new request, never handed the first one's
   * outcome (a stranger who learnt a voter's key and challenge cannot open a session with a wrong code); and the
   * step's new code encrypted for its challenge ({@code code} null: none).
   */
  private VoterStore.Idempotency idempotency(String electionId, String step, Optional<String> key, String request,
                                             String storedChallengeId, String code) {
    if (key.isEmpty()) {
      return VoterStore.Idempotency.NONE;
    }
    return new VoterStore.Idempotency(hasher.hashText(HashPurpose.LOGIN_IDEMPOTENCY, electionId, step, key.get(),
        request),
        IDEMPOTENCY_TTL.toMillis(),
        code == null ? "" : cipher.encrypt(code, CipherContext.loginCode(storedChallengeId)));
  }

  /** The challenge id the voter sees, from the one stored ({@code election/challenge}). */
  private static String localChallenge(String electionId, String stored) {
    return stored.substring(electionId.length() + 1);
  }

  private LoginOutcome limited(String step, StepResult r) {
    LoginOutcome outcome = new LoginOutcome.RateLimited(r.limited(), false);
    metrics.login(step, outcome.kind().outcomeName());
    return outcome;
  }

  /** Tells the alarm of a lock this very step made (not a repeat's). */
  private Future<Void> lockedNow(StepResult r, String repeat, String electionId, VoterKey voter) {
    return repeat == null && r.code() == StepResult.Code.LOCKED && r.lockedNow()
        ? onLock.apply(electionId, voter.pseudonym()) : Future.succeededFuture();
  }

  private void lockEvent(StepResult r, Instant now, String actor, ClientInfo client, List<AuditEvent> events) {
    if (r.code() == StepResult.Code.LOCKED && r.lockedNow()) {
      metrics.lockout();
      events.add(AuditEvent.of(now, "account.lock", actor, client.ip(), "locked", "failures", r.failures()));
    }
  }

  private LoginOutcome failure(StepResult r, ChannelKind channel) {
    return switch (r.code()) {
      case REJECTED -> new LoginOutcome.Rejected(Math.max(0, lockout.maxFailures() - r.failures()));
      case LOCKED -> new LoginOutcome.LockedOut();
      case CHANNEL_NOT_ALLOWED -> new LoginOutcome.ChannelNotAllowed(channel);
      case NO_DESTINATION -> new LoginOutcome.NoDestination(channel);
      case NO_CHALLENGE -> new LoginOutcome.UnknownChallenge();
      case EXPIRED -> new LoginOutcome.CodeExpired();
      case RESEND_LIMIT -> new LoginOutcome.ResendLimitReached();
      case PHONE_TAKEN -> new LoginOutcome.PhoneTaken();
      case RATE_LIMITED -> new LoginOutcome.RateLimited(r.limited(), false);
      case OK -> throw new IllegalStateException("not a failure");
    };
  }

  /** The {@code login-code} template's data for {@code code}, valid {@code validity} (whole minutes, at least 1). */
  static Map<String, String> codeData(String code, Duration validity) {
    return Map.of("code", code, "codeSpoken", TemplateCatalog.spoken(code),
        "minutes", Long.toString(Math.max(1, validity.toMinutes())));
  }

  private String codeHash(String electionId, String challengeId, String code) {
    return hasher.hashText(HashPurpose.OTP, electionId, challengeId, code);
  }

  private static String mask(ChannelKind channel, String to) {
    return channel == ChannelKind.EMAIL ? Contacts.maskEmail(to) : Contacts.maskPhone(to);
  }
}
