package fr.sesame.gateway.http;

import fr.sesame.gateway.problem.ProblemException;
import fr.sesame.gateway.problem.ProblemType;
import fr.sesame.ratelimit.Decision;
import fr.sesame.ratelimit.LimitPolicy;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A 429 with {@code Retry-After} and the IETF {@code RateLimit-Policy} / {@code RateLimit} fields
 * (draft-ietf-httpapi-ratelimit-headers-10, structured lists): {@code "login-ip";q=500;w=10} (quota, window in
 * seconds) and {@code "login-ip";r=0;t=3} (remaining, seconds until the quota is whole again). A GCRA limit's
 * quota is its burst and its window the time the burst takes to refill.
 */
final class RateLimitHeaders {
  private RateLimitHeaders() {}

  /** The problem a refused request answers. */
  static ProblemException tooMany(Decision d, ProblemType type, String detail) {
    long retry = Math.max(1, seconds(d.retryAfter()));
    Map<String, String> headers = new LinkedHashMap<>();
    if (!d.states().isEmpty()) {
      StringJoiner policy = new StringJoiner(", ");
      StringJoiner state = new StringJoiner(", ");
      for (Decision.State s : d.states()) {
        LimitPolicy p = s.limit().policy();
        long window = seconds(Duration.ofNanos(p.emissionIntervalMicros() * 1000 * p.burst()));
        policy.add("\"" + p.name() + "\";q=" + p.burst() + ";w=" + window);
        state.add("\"" + p.name() + "\";r=" + s.remaining() + ";t=" + seconds(s.resetAfter()));
      }
      headers.put("RateLimit-Policy", policy.toString());
      headers.put("RateLimit", state.toString());
    }
    return new ProblemException(type, detail, new JsonObject().put("retryAfterSeconds", retry), headers);
  }

  /** Whole seconds, rounded up. */
  private static long seconds(Duration d) {
    return (d.toMillis() + 999) / 1000;
  }
}
