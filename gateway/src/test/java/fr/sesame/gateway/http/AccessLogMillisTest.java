package fr.sesame.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The access log's duration reads as {@code String.format("%.1f", ms)} wrote it. */
class AccessLogMillisTest {
  @Test
  void sameTextAsTheFormatter() {
    long[] known = {0, 1, 49_999, 50_000, 99_999, 100_000, 149_999, 150_000, 1_250_000, 1_349_999, 12_345_678,
        999_950_000, 60_000_000_000L};
    for (long nanos : known) {
      assertThat(ApiRouter.millis(nanos)).as("%d ns", nanos)
          .isEqualTo(String.format(Locale.ROOT, "%.1f", nanos / 1e6));
    }
    Random random = new Random(3);
    for (int i = 0; i < 100_000; i++) {
      long nanos = random.nextInt(4) == 0 ? random.nextInt(1_000_000) : (long) (random.nextDouble() * 5e9);
      assertThat(ApiRouter.millis(nanos)).as("%d ns", nanos)
          .isEqualTo(String.format(Locale.ROOT, "%.1f", nanos / 1e6));
    }
  }
}
