package fr.sesame.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.ratelimit.local.InMemoryRateLimiter;
import org.junit.jupiter.api.Test;

class InMemoryRateLimiterTest extends RateLimiterContract {
  private final InMemoryRateLimiter limiter = new InMemoryRateLimiter(10_000);

  @Override
  protected RateLimiter limiter() {
    return limiter;
  }

  @Test
  void memoryIsBounded() {
    InMemoryRateLimiter small = new InMemoryRateLimiter(100);
    for (int i = 0; i < 1_000; i++) {
      small.check(tag, java.util.List.of(new Limit(THREE_PER_30S, "k" + i)), 1, t0);
    }
    // the table restarted at most every 100 subjects: the last subject is still limited correctly
    Limit last = new Limit(THREE_PER_30S, "k999");
    assertThat(small.check(tag, java.util.List.of(last), 2, t0).result().allowed()).isTrue();
    assertThat(small.check(tag, java.util.List.of(last), 1, t0).result().allowed()).isFalse();
  }
}
