package fr.sesame.gateway.staff;

import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.templates.TemplateCatalog;
import fr.sesame.gateway.crypto.HashPurpose;
import fr.sesame.gateway.crypto.KeyedHasher;
import fr.sesame.gateway.crypto.RandomTokens;
import fr.sesame.gateway.domain.ClientInfo;
import fr.sesame.gateway.notify.NotificationService;
import fr.sesame.gateway.store.StaffStore;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The staff's second factor by SMS: a 6-digit code sent through the outbox's interactive lane, valid 5 minutes,
 * kept as a keyed hash only (the account's one live code: a new send replaces it), compared in constant time and
 * used once. Sends are spaced ({@link #MIN_GAP}) and counted ({@link #MAX_SENDS} in {@link #WINDOW}, cleared by a
 * login's success). The code is never logged; the message's content is purged soon after the code expires.
 */
final class StaffSmsCodes {
  static final int DIGITS = 6;
  static final Duration VALIDITY = Duration.ofMinutes(5);
  static final Duration MIN_GAP = Duration.ofSeconds(30);
  /** The first code of a login and 3 new ones. */
  static final int MAX_SENDS = 4;
  static final Duration WINDOW = Duration.ofMinutes(15);

  private final StaffStore store;
  private final NotificationService notifications;
  private final KeyedHasher hasher;
  private final RandomTokens random;
  private final java.time.Clock clock;

  StaffSmsCodes(StaffStore store, NotificationService notifications, KeyedHasher hasher, RandomTokens random,
                java.time.Clock clock) {
    this.clock = clock;
    this.store = store;
    this.notifications = notifications;
    this.hasher = hasher;
    this.random = random;
  }

  private String hash(String staffId, String code) {
    return hasher.hashText(HashPurpose.STAFF_TOKEN, "c", staffId, code);
  }

  /** Draws a code and sends it to {@code phone} (E.164), unless the sends' spacing or count refuses. */
  Future<StaffService.CodeSend> send(String staffId, String phone, String lang, ClientInfo from) {
    return store.claimCodeSend(staffId, clock.millis(), MIN_GAP.toMillis(), MAX_SENDS, WINDOW.toMillis())
        .compose(claim -> {
      if (claim == StaffStore.SendClaim.TOO_SOON) {
        return Future.succeededFuture(StaffService.CodeSend.TOO_SOON);
      }
      if (claim == StaffStore.SendClaim.TOO_MANY) {
        return Future.succeededFuture(StaffService.CodeSend.TOO_MANY);
      }
      String code = random.digits(DIGITS);
      Map<String, String> data = Map.of("code", code, "codeSpoken", TemplateCatalog.spoken(code),
          "minutes", Long.toString(VALIDITY.toMinutes()));
      var request = new NotificationService.Request(ChannelKind.SMS, phone, "login-code", lang, data,
          "staff-code:" + RandomTokens.base64Url(random.bytes(16)), null, VALIDITY.multipliedBy(2), null);
      long expires = clock.millis() + VALIDITY.toMillis();
      // Redis drops it a minute after the gateway's clock says it expired
      return store.putCode(staffId, expires + "." + hash(staffId, code), VALIDITY.plusMinutes(1).toMillis())
          .compose(v -> notifications.accept(request, from))
          .map(a -> a.refused() != null ? StaffService.CodeSend.REFUSED : StaffService.CodeSend.SENT);
    });
  }

  /** Whether {@code code} is {@code staffId}'s live code; when it is, it is used up (by this call only). */
  Future<Boolean> use(String staffId, String code) {
    String given = hash(staffId, code);
    return store.code(staffId).compose(live -> {
      int dot = live.map(l -> l.indexOf('.')).orElse(-1);
      if (dot < 0 || clock.millis() > Long.parseLong(live.get().substring(0, dot))) {
        return Future.succeededFuture(false);
      }
      return KeyedHasher.equal(live.get().substring(dot + 1).getBytes(StandardCharsets.US_ASCII),
          given.getBytes(StandardCharsets.US_ASCII)) ? store.takeCode(staffId) : Future.succeededFuture(false);
    });
  }
}
