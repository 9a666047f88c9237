package fr.sesame.gateway.staff;

import fr.sesame.channels.ChannelKind;
import fr.sesame.gateway.audit.AuditEvent;
import fr.sesame.gateway.audit.AuditTrail;
import fr.sesame.gateway.crypto.CipherContext;
import fr.sesame.gateway.crypto.FieldCipher;
import fr.sesame.gateway.crypto.HashPurpose;
import fr.sesame.gateway.crypto.KeyedHasher;
import fr.sesame.gateway.crypto.RandomTokens;
import fr.sesame.gateway.domain.ClientInfo;
import fr.sesame.gateway.domain.Contacts;
import fr.sesame.gateway.notify.NotificationService;
import fr.sesame.gateway.store.StaffStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * Staff accounts: invitation (by email, through the outbox; with a mobile phone or not), a password (Argon2id,
 * the public-service rule, no common password) and a second factor set up from the invitation, an authenticator app
 * (TOTP) or, when the invitation has a phone, a code by SMS ({@link StaffSmsCodes}), then logins with both
 * factors. Five failed steps (password or code) lock the account; a session ends after 30 minutes idle. Every
 * action is audited under the person's id ({@code staff:<id>}), never a role's key.
 */
public final class StaffService {
  /** How many failed steps lock an account. */
  public static final int MAX_FAILURES = 5;
  public static final Duration INVITATION_TTL = Duration.ofHours(72);
  public static final Duration PENDING_TTL = Duration.ofMinutes(5);
  public static final Duration SESSION_IDLE = Duration.ofMinutes(30);

  /** Runs blocking work (password hashing) off the event loop. */
  public interface OffLoop {
    <T> Future<T> run(java.util.concurrent.Callable<T> work);
  }

  /** A staff member as the consoles see them. */
  public record Staff(String id, String email, String name, Map<String, StaffRole> roles) {
    public Optional<StaffRole> roleIn(String electionId) {
      return Optional.ofNullable(roles.get(electionId));
    }

    /** How the audit trail names them. */
    public String actor() {
      return "staff:" + id;
    }
  }

  /**
   * An invitation as its page shows it.
   * @param phone the mobile phone (E.164) an SMS code may go to, or null when the invitation has none
   */
  public record Invitation(String staffId, String email, String name, String status, String enrollingSecret,
                           String phone) {
    /** The phone as a page shows it, or null. */
    public String maskedPhone() {
      return phone == null ? null : Contacts.maskPhone(phone);
    }
  }

  /** How the sending of an SMS code went. */
  public enum CodeSend {
    SENT,
    /** One was sent less than 30 seconds ago (it is still the live code). */
    TOO_SOON,
    /** Too many were sent: wait (a quarter of an hour at most). */
    TOO_MANY,
    /** The caps on paid sends refused it. */
    REFUSED
  }

  /** A login whose password was right, awaiting its second factor: by SMS to {@code smsTo} (masked), or the app (null). */
  public record Pending(String smsTo) {}

  /** What a login step decided. */
  public sealed interface Step {
    /**
     * The password was right: the second factor is asked, with this token (a cookie of the login pages); for a
     * person enrolled with SMS, how the code's sending went ({@code sms} null for the app).
     */
    record SecondFactor(String pendingToken, CodeSend sms) implements Step {}

    /** Both factors were right: a session, with this token (the console's cookie). */
    record Session(String token, Staff staff) implements Step {}

    /** Wrong email, password or code; the account locks after {@code remaining} more. */
    record Refused(int remaining) implements Step {}

    /** Locked: an organiser (or the admin API) unlocks it. */
    record Locked() implements Step {}

    /** The pending login expired (or was never): start again. */
    record Expired() implements Step {}

    /** Too many logins at once: try again in a moment (nothing was counted). */
    record Busy() implements Step {}
  }

  private final StaffStore store;
  private final NotificationService notifications;
  private final AuditTrail audit;
  private final KeyedHasher hasher;
  private final FieldCipher cipher;
  private final RandomTokens random;
  private final Clock clock;
  private final OffLoop offLoop;
  private final PasswordHasher passwords;
  private final Totp totp = new Totp();
  private final StaffSmsCodes sms;
  private final Supplier<String> consoleBase;

  /** @param consoleBase the public URL the invitation links start with (the gateway's issuer, or its address) */
  public StaffService(StaffStore store, NotificationService notifications, AuditTrail audit, KeyedHasher hasher,
                      FieldCipher cipher, RandomTokens random, Clock clock, OffLoop offLoop, PasswordHasher passwords,
                      Supplier<String> consoleBase) {
    this.store = store;
    this.notifications = notifications;
    this.audit = audit;
    this.hasher = hasher;
    this.cipher = cipher;
    this.random = random;
    this.clock = clock;
    this.offLoop = offLoop;
    this.passwords = passwords;
    this.consoleBase = consoleBase;
    this.sms = new StaffSmsCodes(store, notifications, hasher, random, clock);
  }

  /** The account id of an email: a keyed hash of it, lower-cased. */
  public String idOf(String email) {
    return hasher.hashText(HashPurpose.STAFF, email.strip().toLowerCase(Locale.ROOT));
  }

  private String tokenHash(String kind, String token) {
    return hasher.hashText(HashPurpose.STAFF_TOKEN, kind, token);
  }

  // ---------------------------------------------------------------- invitation

  /**
   * The result of an invitation: the account, whether it was new (or invited again), and for an active account
   * whether it got a role in an election where it had none.
   */
  public record Invited(String staffId, boolean created, String notificationId, boolean granted) {
    public Invited(String staffId, boolean created, String notificationId) {
      this(staffId, created, notificationId, false);
    }
  }

  /**
   * Creates an account for {@code email} with {@code roles} (election id → role) and sends its invitation by
   * email (a link valid 72 hours). An active account keeps every role it has: it only gets those of the elections
   * where it has none (no email: they appear on its console), audited {@code staff.grant}.
   */
  public Future<Invited> invite(String email, String name, Map<String, StaffRole> roles, String lang, ClientInfo by) {
    return invite(email, name, roles, lang, null, by);
  }

  /**
   * {@link #invite(String, String, Map, String, ClientInfo)} with a mobile phone ({@code phone}, E.164, already
   * checked; or null) to which the person may choose to receive a login code by SMS instead of using an app.
   */
  public Future<Invited> invite(String email, String name, Map<String, StaffRole> roles, String lang, String phone,
                                ClientInfo by) {
    String id = idOf(email);
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("s", "invited");
    fields.put("e", cipher.encrypt(email.strip(), CipherContext.staff(id, "email")));
    fields.put("n", cipher.encrypt(name, CipherContext.staff(id, "name")));
    fields.put("c", Long.toString(clock.millis()));
    if (phone != null) {
      fields.put("pe", cipher.encrypt(phone, CipherContext.staff(id, "phone")));
    }
    return store.create(id, fields).compose(created -> {
      if (created) {
        // the roles in a step of their own, not with the account's fields: another invitation of the same person
        // arriving between the account's creation and its fields merges its role, and that write would overwrite it
        return store.changeRoles(id, StaffStore.RoleChange.PUT, wireNames(roles))
            .compose(v -> indexed(id, roles.keySet()))
            .compose(v -> sendInvitation(id, email, name, roles, lang, by));
      }
      // an account that was never activated (a lost or expired invitation, a mistyped address fixed since): its
      // roles are merged and a new invitation goes; an active account is left as it is
      return store.account(id).compose(f -> {
        if ("active".equals(f.get("s"))) {
          // a role only where it has none, in one step with the other changes of this account's roles
          return store.changeRoles(id, StaffStore.RoleChange.ADD, wireNames(roles)).compose(changed -> {
            Map<String, StaffRole> added = new LinkedHashMap<>();
            roles.forEach((e, r) -> {
              if (changed.isPresent() && !changed.get().before().containsKey(e)) {
                added.put(e, r);
              }
            });
            if (added.isEmpty()) {
              return Future.succeededFuture(new Invited(id, false, null));
            }
            return indexed(id, added.keySet())
                .compose(v -> {
                  List<Future<Void>> audited = new ArrayList<>();
                  added.forEach((election, role) -> audited.add(audit.record(election, AuditEvent.of(clock.instant(),
                      "staff.grant", by.actor(), by.ip(), "granted", "staff", id, "role", role.wireName()))));
                  return Future.all(audited);
                }).map(v -> new Invited(id, false, null, true));
          });
        }
        Map<String, String> changed = new LinkedHashMap<>(Map.of("s", "invited", "tp", ""));
        if (phone != null) {
          changed.put("pe", cipher.encrypt(phone, CipherContext.staff(id, "phone")));
        }
        // the roles merged in one step (another invitation at the same time keeps its own), then the rest
        return store.changeRoles(id, StaffStore.RoleChange.PUT, wireNames(roles))
            .compose(merged -> store.update(id, changed).map(merged.map(StaffStore.Roles::after).orElse(Map.of())))
            .compose(all -> indexed(id, all.keySet()))
            .compose(v -> sendInvitation(id, email, name, roles, lang, by))
            .map(i -> new Invited(id, true, i.notificationId()));
      });
    });
  }

  private Future<Void> indexed(String id, java.util.Set<String> elections) {
    List<Future<Void>> all = new ArrayList<>();
    elections.forEach(election -> all.add(store.addToElection(election, id)));
    return Future.all(all).mapEmpty();
  }

  private Future<Invited> sendInvitation(String id, String email, String name, Map<String, StaffRole> roles,
                                         String lang, ClientInfo by) {
    String token = RandomTokens.base64Url(random.bytes(32));
    String url = consoleBase.get() + "/console/invitation/" + token;
    return store.putToken("i", tokenHash("i", token), id, INVITATION_TTL.toMillis())
        .compose(v -> notifications.accept(new NotificationService.Request(ChannelKind.EMAIL, email.strip(),
            "staff-invitation", lang, Map.of("name", name, "url", url, "hours",
            Long.toString(INVITATION_TTL.toHours())), "staff-invitation:" + id), by))
        .compose(a -> {
          List<Future<Void>> audited = new ArrayList<>();
          roles.forEach((election, role) -> audited.add(audit.record(election, AuditEvent.of(clock.instant(),
              "staff.invite", by.actor(), by.ip(), "invited", "staff", id, "role", role.wireName(),
              "to", Contacts.maskEmail(email.strip())))));
          return Future.all(audited).map(new Invited(id, true, a.id()));
        });
  }

  /** The invitation of {@code token}, while it is valid and its account not yet active. */
  public Future<Optional<Invitation>> invitation(String token) {
    if (!wellFormed(token)) {
      return Future.succeededFuture(Optional.empty());
    }
    return store.token("i", tokenHash("i", token), 0).compose(found -> found.isEmpty()
        ? Future.succeededFuture(Optional.<Invitation>empty())
        : store.account(found.get()).map(f -> {
          if (f.isEmpty() || "active".equals(f.get("s"))) {
            return Optional.<Invitation>empty();
          }
          String id = found.get();
          String enrolling = f.get("tp") == null ? null
              : cipher.decrypt(f.get("tp"), CipherContext.staff(id, "totp-enrolling"));
          return Optional.of(new Invitation(id, cipher.decrypt(f.get("e"), CipherContext.staff(id, "email")),
              cipher.decrypt(f.get("n"), CipherContext.staff(id, "name")), f.get("s"), enrolling, phone(id, f)));
        }));
  }

  /**
   * Sets the password of an invited account (already checked against {@link PasswordPolicy}) and draws the
   * secret its authenticator app is to hold: the account is "enrolling" until a code of that secret is given.
   * @return the secret (base32 is what the page shows)
   */
  public Future<byte[]> setPassword(Invitation invitation, String password) {
    byte[] secret = Totp.newSecret();
    String id = invitation.staffId();
    return offLoop.run(() -> passwords.hash(password)).compose(phc -> store.update(id, Map.of("ph", phc, "s",
            "enrolling", "tp", cipher.encrypt(Base64.getEncoder().encodeToString(secret),
                CipherContext.staff(id, "totp-enrolling")))))
        .map(secret);
  }

  /** The secret being enrolled, decoded. */
  public static byte[] enrollingSecret(Invitation invitation) {
    return Base64.getDecoder().decode(invitation.enrollingSecret());
  }

  private String phone(String id, Map<String, String> f) {
    String pe = f.get("pe");
    return pe == null || pe.isEmpty() ? null : cipher.decrypt(pe, CipherContext.staff(id, "phone"));
  }

  /** Sends the code that confirms an SMS enrolment to the invitation's phone (none: refused). */
  public Future<CodeSend> sendEnrolmentCode(Invitation invitation, String lang, ClientInfo from) {
    if (invitation.phone() == null || !"enrolling".equals(invitation.status())) {
      return Future.succeededFuture(CodeSend.REFUSED);
    }
    return sms.send(invitation.staffId(), invitation.phone(), lang, from);
  }

  /**
   * The code sent by SMS to the invitation's phone: right, the account is active with SMS as its second factor
   * (the invitation used up); wrong, false (it counts as a failed step: 5 lock the account).
   */
  public Future<Boolean> confirmSmsEnrolment(String token, Invitation invitation, String code, ClientInfo from) {
    String id = invitation.staffId();
    if (invitation.phone() == null) {
      return Future.succeededFuture(false);
    }
    return store.attempt(id, MAX_FAILURES, clock.millis(), UNKNOWN_TTL.toMillis()).compose(attempts -> {
      if (attempts < 0) {
        return Future.succeededFuture(false);
      }
      return sms.use(id, code).compose(ok -> {
        if (!ok) {
          return (attempts >= MAX_FAILURES ? store.lock(id, clock.millis()) : Future.<Void>succeededFuture())
              .map(false);
        }
        return store.update(id, Map.of("s", "active", "m2", "sms", "tp", "", "f", "0"))
            .compose(v -> store.succeeded(id))
            .compose(v -> store.takeToken("i", tokenHash("i", token)))
            .compose(v -> staff(id))
            .compose(s -> auditAll(s.orElse(null), "staff.activate", "staff:" + id, from, "active", "factor", "sms"))
            .map(true);
      });
    });
  }

  /**
   * The first code of the authenticator app: right, the account is active (the invitation used up); wrong,
   * false and nothing changes.
   */
  public Future<Boolean> confirmEnrolment(String token, Invitation invitation, String code, ClientInfo from) {
    if (invitation.enrollingSecret() == null) {
      return Future.succeededFuture(false);
    }
    byte[] secret = enrollingSecret(invitation);
    OptionalLong step = totp.verify(secret, code, clock.instant());
    if (step.isEmpty()) {
      return Future.succeededFuture(false);
    }
    String id = invitation.staffId();
    return store.useStep(id, step.getAsLong(), Totp.STEP.multipliedBy(4).toMillis()).compose(fresh -> {
      if (!fresh) {
        return Future.succeededFuture(false);
      }
      return store.update(id, Map.of("s", "active", "tk", cipher.encrypt(invitation.enrollingSecret(),
              CipherContext.staff(id, "totp")), "tp", "", "f", "0", "m2", "totp"))
          .compose(v -> store.takeToken("i", tokenHash("i", token)))
          .compose(v -> staff(id))
          .compose(s -> auditAll(s.orElse(null), "staff.activate", "staff:" + id, from, "active"))
          .map(true);
    });
  }

  // ---------------------------------------------------------------- login

  /** How long the failure counter of an email with no account is kept (it locks like a real one). */
  public static final Duration UNKNOWN_TTL = Duration.ofHours(24);
  /** At most this many password hashes at once: a flood of logins must not hold the shared worker pool. */
  static final int MAX_CONCURRENT_HASHES = 4;
  private final java.util.concurrent.atomic.AtomicInteger hashing = new java.util.concurrent.atomic.AtomicInteger();

  /**
   * Step 1: email and password. The attempt is counted before the password is checked (one script: parallel
   * guesses cannot pass the limit), for an email with no account too (so no answer tells whether one exists),
   * and the hash is computed either way (so timing tells nothing either).
   */
  public Future<Step> password(String email, String password, ClientInfo from) {
    return password(email, password, "fr", from);
  }

  /**
   * {@link #password(String, String, ClientInfo)}; for a person enrolled with SMS, the right password sends the
   * code (in {@code lang}).
   */
  public Future<Step> password(String email, String password, String lang, ClientInfo from) {
    String id = idOf(email == null ? "" : email);
    if (hashing.incrementAndGet() > MAX_CONCURRENT_HASHES) {
      hashing.decrementAndGet();
      return Future.succeededFuture(new Step.Busy());
    }
    return store.attempt(id, MAX_FAILURES, clock.millis(), UNKNOWN_TTL.toMillis()).compose(attempts -> {
      if (attempts < 0) {
        return offLoop.run(() -> burnFalse(password)).map(x -> (Step) new Step.Locked());
      }
      return store.account(id).compose(f -> {
        boolean active = "active".equals(f.get("s"));
        return offLoop.run(() -> active ? passwords.verify(password, f.get("ph")) : burnFalse(password))
            .compose(ok -> {
              if (!ok) {
                return failed(id, attempts, from, "password");
              }
              String pending = RandomTokens.base64Url(random.bytes(32));
              Future<Void> put = store.notAFailure(id)
                  .compose(v -> store.putToken("p", tokenHash("p", pending), id, PENDING_TTL.toMillis()));
              if (!"sms".equals(f.get("m2"))) {
                return put.map(v -> (Step) new Step.SecondFactor(pending, null));
              }
              return put.compose(v -> sendLoginCode(id, f, lang, from))
                  .map(sent -> (Step) new Step.SecondFactor(pending, sent));
            });
      });
    }).onComplete(done -> hashing.decrementAndGet());
  }

  private Future<CodeSend> sendLoginCode(String id, Map<String, String> f, String lang, ClientInfo from) {
    String phone = phone(id, f);
    if (phone == null) {
      return Future.succeededFuture(CodeSend.REFUSED);
    }
    return sms.send(id, phone, lang, from).compose(sent -> sent != CodeSend.SENT ? Future.succeededFuture(sent)
        : auditAll(toStaff(id, f), "staff.code", "staff:" + id, from, "sent", "channel", "sms", "to",
            Contacts.maskPhone(phone)).map(sent));
  }

  /** The pending login of {@code pendingToken}: how its second factor is given; empty when it is gone. */
  public Future<Optional<Pending>> pending(String pendingToken) {
    if (!wellFormed(pendingToken)) {
      return Future.succeededFuture(Optional.empty());
    }
    return store.token("p", tokenHash("p", pendingToken), 0).compose(found -> found.isEmpty()
        ? Future.succeededFuture(Optional.<Pending>empty())
        : store.account(found.get()).map(f -> {
          String phone = "sms".equals(f.get("m2")) ? phone(found.get(), f) : null;
          return Optional.of(new Pending(phone == null ? null : Contacts.maskPhone(phone)));
        }));
  }

  /** A new SMS code for a pending login ("send a new code"); empty when the login is gone or uses the app. */
  public Future<Optional<CodeSend>> resendLoginCode(String pendingToken, String lang, ClientInfo from) {
    if (!wellFormed(pendingToken)) {
      return Future.succeededFuture(Optional.empty());
    }
    return store.token("p", tokenHash("p", pendingToken), 0).compose(found -> found.isEmpty()
        ? Future.succeededFuture(Optional.<CodeSend>empty())
        : store.account(found.get()).compose(f -> !"sms".equals(f.get("m2")) || locked(f)
            ? Future.succeededFuture(Optional.<CodeSend>empty())
            : sendLoginCode(found.get(), f, lang, from).map(Optional::of)));
  }

  private boolean burnFalse(String password) {
    passwords.burn(password);
    return false;
  }

  /** Step 2: the authenticator app's code, once; the pending login is used up by the step that succeeds. */
  public Future<Step> secondFactor(String pendingToken, String code, ClientInfo from) {
    if (!wellFormed(pendingToken)) {
      return Future.succeededFuture(new Step.Expired());
    }
    String pendingHash = tokenHash("p", pendingToken);
    return store.token("p", pendingHash, 0).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture((Step) new Step.Expired());
      }
      String id = found.get();
      return store.attempt(id, MAX_FAILURES, clock.millis(), UNKNOWN_TTL.toMillis()).compose(attempts -> {
        if (attempts < 0) {
          return store.takeToken("p", pendingHash).map(v -> (Step) new Step.Locked());
        }
        return store.account(id).compose(f -> {
          Future<Boolean> fresh;
          if ("sms".equals(f.get("m2"))) {
            fresh = sms.use(id, code);
          } else if (f.get("tk") == null) {
            return Future.succeededFuture((Step) new Step.Expired());
          } else {
            byte[] secret = Base64.getDecoder().decode(cipher.decrypt(f.get("tk"), CipherContext.staff(id, "totp")));
            OptionalLong step = totp.verify(secret, code, clock.instant());
            fresh = step.isEmpty() ? Future.succeededFuture(false)
                : store.useStep(id, step.getAsLong(), Totp.STEP.multipliedBy(4).toMillis());
          }
          return fresh.compose(ok -> {
            if (!ok) {
              return failed(id, attempts, from, "code");
            }
            // GETDEL: of two requests with this pending login, one only goes on
            return store.takeToken("p", pendingHash).compose(taken -> {
              if (taken.isEmpty() || !taken.get().equals(id)) {
                return Future.succeededFuture((Step) new Step.Expired());
              }
              String session = RandomTokens.base64Url(random.bytes(32));
              return store.succeeded(id)
                  .compose(v -> store.update(id, Map.of("ll", Long.toString(clock.millis()))))
                  .compose(v -> store.putToken("s", tokenHash("s", session), id, SESSION_IDLE.toMillis()))
                  .compose(v -> staff(id))
                  .compose(s -> s.isEmpty() ? Future.succeededFuture((Step) new Step.Locked())
                      : auditAll(s.get(), "staff.login", "staff:" + id, from, "success")
                          .map(x -> (Step) new Step.Session(session, s.get())));
            });
          });
        });
      });
    });
  }

  /** A checked step failed: the last allowed one locks the account. */
  private Future<Step> failed(String id, long attempts, ClientInfo from, String factor) {
    boolean last = attempts >= MAX_FAILURES;
    Future<Void> locked = last ? store.lock(id, clock.millis()) : Future.succeededFuture();
    return locked.compose(v -> store.account(id)).compose(f -> auditAll("active".equals(f.get("s"))
            ? toStaff(id, f) : null, "staff.login", "staff:" + id, from, last ? "locked" : "rejected",
        "factor", factor, "failures", attempts)
        .map(x -> last ? (Step) new Step.Locked() : new Step.Refused((int) (MAX_FAILURES - attempts))));
  }

  private static boolean locked(Map<String, String> f) {
    return f.get("la") != null && !f.get("la").isEmpty();
  }

  /** The staff member of a session token, its idle time restarted; empty when none (or ended, or locked). */
  public Future<Optional<Staff>> session(String token) {
    if (!wellFormed(token)) {
      return Future.succeededFuture(Optional.empty());
    }
    return store.token("s", tokenHash("s", token), SESSION_IDLE.toMillis()).compose(found -> found.isEmpty()
        ? Future.succeededFuture(Optional.<Staff>empty()) : staff(found.get()));
  }

  /** Ends a session. */
  public Future<Void> logout(String token, ClientInfo from) {
    if (!wellFormed(token)) {
      return Future.succeededFuture();
    }
    return store.takeToken("s", tokenHash("s", token)).compose(found -> found.isEmpty() ? Future.succeededFuture()
        : staff(found.get()).compose(s -> auditAll(s.orElse(null), "staff.logout", "staff:" + found.get(), from,
            "ended")));
  }

  /** Unlocks a staff account (failures back to 0), audited in the elections of its roles. */
  public Future<Boolean> unlock(String email, String reason, ClientInfo by) {
    return unlockAccount(idOf(email), reason, by);
  }

  /**
   * {@link #unlock} for the team page: the account of {@code staffId}, when it has a role in {@code electionId}.
   * @return false when it has none there, or is not active
   */
  public Future<Boolean> unlockMember(String electionId, String staffId, String reason, ClientInfo by) {
    return store.account(staffId).compose(f -> roleIn(f, electionId).isEmpty() ? Future.succeededFuture(false)
        : unlockAccount(staffId, reason, by));
  }

  private Future<Boolean> unlockAccount(String id, String reason, ClientInfo by) {
    return store.account(id).map(f -> "active".equals(f.get("s")) ? Optional.of(toStaff(id, f))
        : Optional.<Staff>empty()).compose(s -> {
      if (s.isEmpty()) {
        return Future.succeededFuture(false);
      }
      return store.unlock(id).compose(v -> auditAll(s.get(), "staff.unlock", by.actor(),
          by, "unlocked", "staff", id, "reason", reason)).map(true);
    });
  }

  // ---------------------------------------------------------------- an election's team

  /** A staff member of an election as its team page lists them; {@code status}: invited, active or locked. */
  public record Member(String id, String name, String maskedEmail, StaffRole role, String status) {}

  private static Optional<StaffRole> roleIn(Map<String, String> f, String electionId) {
    if (f.isEmpty() || f.get("r") == null) {
      return Optional.empty();
    }
    Object r = new JsonObject(f.get("r")).getValue(electionId);
    return r == null ? Optional.empty() : StaffRole.fromWire(String.valueOf(r));
  }

  /** The accounts with a role in {@code electionId}, by name. */
  public Future<List<Member>> members(String electionId) {
    return store.ofElection(electionId).compose(ids -> {
      List<String> list = new ArrayList<>(ids);
      List<Future<Map<String, String>>> all = new ArrayList<>();
      list.forEach(id -> all.add(store.account(id)));
      return Future.all(all).map(cf -> {
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
          String id = list.get(i);
          Map<String, String> f = all.get(i).result();
          Optional<StaffRole> role = roleIn(f, electionId);
          if (role.isEmpty()) {
            continue;
          }
          String status = !"active".equals(f.get("s")) ? "invited" : locked(f) ? "locked" : "active";
          members.add(new Member(id, cipher.decrypt(f.get("n"), CipherContext.staff(id, "name")),
              Contacts.maskEmail(cipher.decrypt(f.get("e"), CipherContext.staff(id, "email"))), role.get(), status));
        }
        members.sort(java.util.Comparator.comparing(Member::name, String.CASE_INSENSITIVE_ORDER)
            .thenComparing(Member::id));
        return members;
      });
    });
  }

  /**
   * Gives {@code staffId} the role {@code role} in {@code electionId} (the creator of an election becomes its
   * organiser), audited {@code staff.grant} in that election.
   */
  public Future<Void> grant(String staffId, String electionId, StaffRole role, ClientInfo by) {
    return store.changeRoles(staffId, StaffStore.RoleChange.PUT, Map.of(electionId, role.wireName()))
        .compose(changed -> changed.isPresent() ? store.addToElection(electionId, staffId)
            : Future.failedFuture(new IllegalStateException("no staff account " + staffId + " to grant a role to")))
        .compose(v -> audit.record(electionId, AuditEvent.of(clock.instant(), "staff.grant", by.actor(), by.ip(),
            "granted", "staff", staffId, "role", role.wireName())));
  }

  /**
   * Takes away the role of {@code staffId} in {@code electionId}, audited {@code staff.revoke} there; the account
   * and its roles elsewhere stay. @return false when it had no role there
   */
  public Future<Boolean> revoke(String electionId, String staffId, ClientInfo by) {
    // taken away in one step: of two revocations at once, one finds the role and is audited, the other finds none
    return store.changeRoles(staffId, StaffStore.RoleChange.REMOVE, Map.of(electionId, "")).compose(changed -> {
      Optional<StaffRole> had = changed.map(c -> c.before().get(electionId)).flatMap(StaffRole::fromWire);
      if (had.isEmpty()) {
        return Future.succeededFuture(false);
      }
      return store.removeFromElection(electionId, staffId)
          .compose(v -> audit.record(electionId, AuditEvent.of(clock.instant(), "staff.revoke", by.actor(), by.ip(),
              "revoked", "staff", staffId, "role", had.get().wireName())))
          .map(true);
    });
  }

  /**
   * Takes away every role in {@code electionId} from these accounts, when the election's data are destroyed (not
   * audited: the election's trail goes with it; the destruction certificate counts them). @return how many
   */
  public Future<Long> forgetElection(String electionId, java.util.Collection<String> staffIds) {
    List<Future<Boolean>> all = new ArrayList<>();
    for (String id : staffIds) {
      all.add(store.changeRoles(id, StaffStore.RoleChange.REMOVE, Map.of(electionId, ""))
          .map(changed -> changed.isPresent() && changed.get().before().containsKey(electionId)));
    }
    return Future.all(all).map(cf -> all.stream().filter(Future::result).count());
  }

  /** Roles as the store keeps them: election id -> the role's wire name, in the caller's order. */
  private static Map<String, String> wireNames(Map<String, StaffRole> roles) {
    Map<String, String> out = new LinkedHashMap<>();
    roles.forEach((e, r) -> out.put(e, r.wireName()));
    return out;
  }

  /** An account whatever its state (its name for a certificate), or empty when there is none. */
  public Future<Optional<Staff>> anyStaff(String id) {
    return store.account(id).map(f -> f.isEmpty() || f.get("r") == null ? Optional.<Staff>empty()
        : Optional.of(toStaff(id, f)));
  }

  /** An active, unlocked account. */
  public Future<Optional<Staff>> staff(String id) {
    return store.account(id).map(f -> !"active".equals(f.get("s")) || locked(f) ? Optional.<Staff>empty()
        : Optional.of(toStaff(id, f)));
  }

  private Staff toStaff(String id, Map<String, String> f) {
    Map<String, StaffRole> roles = new LinkedHashMap<>();
    new JsonObject(f.get("r")).forEach(e -> StaffRole.fromWire(String.valueOf(e.getValue()))
        .ifPresent(r -> roles.put(e.getKey(), r)));
    return new Staff(id, cipher.decrypt(f.get("e"), CipherContext.staff(id, "email")),
        cipher.decrypt(f.get("n"), CipherContext.staff(id, "name")), Map.copyOf(roles));
  }

  /**
   * A bureau member as the alerts reach them.
   * @param phone the mobile phone (E.164) the account holds (given at the invitation, the staff SMS second factor's),
   *              or null
   */
  public record BureauContact(String email, String phone) {}

  /** The election's bureau members whose accounts are active, with their mobile phone when they have one. */
  public Future<List<BureauContact>> bureauContacts(String electionId) {
    return store.ofElection(electionId).compose(found -> {
      List<String> ids = new ArrayList<>(new java.util.TreeSet<>(found));
      List<Future<Map<String, String>>> all = new ArrayList<>();
      ids.forEach(id -> all.add(store.account(id)));
      return Future.all(all).map(cf -> {
        List<BureauContact> out = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
          String id = ids.get(i);
          Map<String, String> f = all.get(i).result();
          if (f == null || f.isEmpty() || !"active".equals(f.get("s")) || locked(f)) {
            continue;
          }
          Staff s = toStaff(id, f);
          if (s.roleIn(electionId).orElse(null) == StaffRole.BUREAU) {
            out.add(new BureauContact(s.email(), phone(id, f)));
          }
        }
        return out;
      });
    });
  }

  /** The emails of the election's bureau members whose accounts are active (the alerts' recipients). */
  public Future<List<String>> bureauEmails(String electionId) {
    return store.ofElection(electionId).compose(ids -> {
      List<Future<Optional<Staff>>> all = new ArrayList<>();
      ids.forEach(id -> all.add(staff(id)));
      return Future.all(all).map(cf -> {
        List<String> emails = new ArrayList<>();
        for (Future<Optional<Staff>> f : all) {
          f.result().filter(s -> s.roleIn(electionId).orElse(null) == StaffRole.BUREAU)
              .ifPresent(s -> emails.add(s.email()));
        }
        return emails;
      });
    });
  }

  /** Records {@code type} in the audit trail of each election where {@code staff} has a role. */
  private Future<Void> auditAll(Staff staff, String type, String actor, ClientInfo from, String outcome,
                                Object... details) {
    if (staff == null) {
      return Future.succeededFuture();
    }
    List<Future<Void>> all = new ArrayList<>();
    Instant now = clock.instant();
    for (String election : staff.roles().keySet()) {
      all.add(audit.record(election, AuditEvent.of(now, type, actor, from.ip(), outcome, details)));
    }
    return Future.all(all).mapEmpty();
  }

  private static boolean wellFormed(String token) {
    return token != null && token.matches("[A-Za-z0-9_-]{43}");
  }
}
