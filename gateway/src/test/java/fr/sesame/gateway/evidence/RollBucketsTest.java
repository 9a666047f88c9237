package fr.sesame.gateway.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The roll's 64 buckets: each pseudonym in the bucket whose lexicographic range holds it; the buckets add up. */
class RollBucketsTest {
  @Test
  void eachPseudonymFallsInTheLexicographicRangeOfItsBucket() {
    Random random = new Random(16);
    for (int i = 0; i < 10_000; i++) {
      byte[] b = new byte[16];
      random.nextBytes(b);
      String p = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
      int bucket = RollBuckets.of(p);
      assertThat(p.charAt(0)).isEqualTo(RollBuckets.ALPHABET.charAt(bucket));
      String from = RollBuckets.from(bucket);
      String below = RollBuckets.below(bucket);
      assertThat(from.isEmpty() || p.compareTo(from) >= 0).as(p).isTrue();
      assertThat(below.isEmpty() || p.compareTo(below) < 0).as(p).isTrue();
    }
    // strings outside base64url still have a bucket: before '-' in bucket 0, after 'z' in bucket 63
    assertThat(RollBuckets.of("")).isZero();
    assertThat(RollBuckets.of("!x")).isZero();
    assertThat(RollBuckets.of("~x")).isEqualTo(63);
    assertThat(RollBuckets.of("[x")).isEqualTo(RollBuckets.ALPHABET.indexOf('Z'));
  }

  @Test
  void theBucketsAddUpToTheRollsCountAndSumAndAChangedBucketDoesNot() {
    RollBuckets buckets = new RollBuckets();
    BigInteger sum = BigInteger.ZERO;
    Random random = new Random(3);
    for (int i = 0; i < 500; i++) {
      byte[] digest = new byte[32];
      random.nextBytes(digest);
      byte[] p = new byte[16];
      random.nextBytes(p);
      buckets.add(Base64.getUrlEncoder().withoutPadding().encodeToString(p), digest);
      sum = sum.add(new BigInteger(1, digest)).mod(RollBuckets.MOD);
    }
    JsonObject roll = new JsonObject().put("count", 500L).put("sum", RollBuckets.hex(sum))
        .put("buckets", buckets.toJson());
    assertThat(RollBuckets.consistent(roll)).isTrue();
    assertThat(RollBuckets.consistent(roll.copy().put("count", 501L))).isFalse();
    JsonObject altered = roll.copy();
    altered.getJsonObject("buckets").getJsonArray("sums").set(7, "0".repeat(64));
    assertThat(RollBuckets.consistent(altered)).isFalse();
    assertThat(RollBuckets.consistent(new JsonObject().put("count", 1L).put("sum", "ab"))).as("no buckets").isTrue();
  }
}
