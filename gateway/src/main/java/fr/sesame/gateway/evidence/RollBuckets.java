package fr.sesame.gateway.evidence;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;

/**
 * The roll's digest in {@value #COUNT} buckets (issue 16, point 3), so that the integrity check every minute
 * recomputes a few buckets rather than the whole roll. A pseudonym's bucket is told by its first character: with
 * {@code S} the 64 characters of base64url in code-point order ({@value #ALPHABET}), bucket {@code b} holds the
 * pseudonyms {@code p} with {@code S[b] <= p < S[b+1]} (bucket 0 from the start, bucket 63 to the end, so that
 * every string has a bucket): one lexicographic range of the roll index, read by {@code ZRANGEBYLEX}. Each bucket
 * has a count and a sum mod 2^256 of its voters' digests; the buckets' counts and sums add up to the roll's
 * {@code count} and {@code sum}, which keep their meaning (a verifier that ignores the buckets is not misled).
 */
public final class RollBuckets {
  /** The number of buckets. */
  public static final int COUNT = 64;
  /** base64url's characters in code-point order: the buckets' lower bounds. */
  public static final String ALPHABET = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";
  static final BigInteger MOD = BigInteger.ONE.shiftLeft(256);

  private final long[] counts = new long[COUNT];
  private final BigInteger[] sums = new BigInteger[COUNT];

  public RollBuckets() {
    java.util.Arrays.fill(sums, BigInteger.ZERO);
  }

  /** The bucket of a pseudonym. */
  public static int of(String pseudonym) {
    if (pseudonym.isEmpty()) {
      return 0;
    }
    char c = pseudonym.charAt(0);
    int b = 0;
    while (b + 1 < COUNT && ALPHABET.charAt(b + 1) <= c) {
      b++;
    }
    return b;
  }

  /** The bucket's first pseudonym (inclusive), "" for bucket 0 (the start of the index). */
  public static String from(int bucket) {
    return bucket == 0 ? "" : String.valueOf(ALPHABET.charAt(bucket));
  }

  /** The bound below which the bucket ends (exclusive), "" for the last bucket (the end of the index). */
  public static String below(int bucket) {
    return bucket == COUNT - 1 ? "" : String.valueOf(ALPHABET.charAt(bucket + 1));
  }

  /** Adds one voter's digest to its bucket. */
  public void add(String pseudonym, byte[] digest) {
    int b = of(pseudonym);
    counts[b]++;
    sums[b] = sums[b].add(new BigInteger(1, digest)).mod(MOD);
  }

  public long count(int bucket) {
    return counts[bucket];
  }

  public String sum(int bucket) {
    return hex(sums[bucket]);
  }

  static String hex(BigInteger v) {
    return String.format("%064x", v);
  }

  /** As the manifest shows them: {@code {"n":64,"by":..,"counts":[..],"sums":[..]}}. */
  public JsonObject toJson() {
    JsonArray c = new JsonArray();
    JsonArray s = new JsonArray();
    for (int b = 0; b < COUNT; b++) {
      c.add(counts[b]);
      s.add(hex(sums[b]));
    }
    return new JsonObject().put("n", COUNT).put("by", "first character of the pseudonym: bucket b holds "
        + "S[b] <= pseudonym < S[b+1], S = \"" + ALPHABET + "\" (bucket 0 from the start, 63 to the end)")
        .put("counts", c).put("sums", s);
  }

  /**
   * Whether a manifest's buckets add up to its roll's count and sum (a verifier's check), or the roll has no
   * buckets (a seal made before them).
   */
  public static boolean consistent(JsonObject roll) {
    JsonObject b = roll.getJsonObject("buckets");
    if (b == null) {
      return true;
    }
    try {
      long count = 0;
      BigInteger sum = BigInteger.ZERO;
      for (int i = 0; i < b.getJsonArray("counts").size(); i++) {
        count += b.getJsonArray("counts").getLong(i);
        sum = sum.add(new BigInteger(b.getJsonArray("sums").getString(i), 16)).mod(MOD);
      }
      return b.getJsonArray("counts").size() == COUNT && b.getJsonArray("sums").size() == COUNT
          && count == roll.getLong("count") && hex(sum).equals(roll.getString("sum"));
    } catch (RuntimeException e) {
      return false;
    }
  }
}
