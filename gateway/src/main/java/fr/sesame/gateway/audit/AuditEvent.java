package fr.sesame.gateway.audit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One audited action. Never holds a secret, a code, a token, a full phone number or an email address.
 *
 * @param at      when
 * @param type    e.g. {@code login.secret}, {@code login.code}, {@code otp.sent}, {@code voter.unlock}
 * @param actor   {@code voter:<pseudonym>} or {@code key:<api key name>}
 * @param ip      the caller's IP
 * @param outcome e.g. {@code success}, {@code rejected}, {@code locked}
 * @param details further facts (counts, channel, reason), in insertion order
 */
public record AuditEvent(Instant at, String type, String actor, String ip, String outcome, Map<String, Object> details) {
  public AuditEvent {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(outcome, "outcome");
    ip = ip == null ? "" : ip;
    details = details == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  public static AuditEvent of(Instant at, String type, String actor, String ip, String outcome, Object... kv) {
    Map<String, Object> d = new LinkedHashMap<>();
    for (int i = 0; i + 1 < kv.length; i += 2) {
      if (kv[i + 1] != null) {
        d.put((String) kv[i], kv[i + 1]);
      }
    }
    return new AuditEvent(at, type, actor, ip, outcome, d);
  }
}
