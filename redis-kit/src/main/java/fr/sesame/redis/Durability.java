package fr.sesame.redis;

import java.time.Duration;
import java.util.Objects;

/**
 * When a write counts as done: once Redis confirms it on at least {@code replicas} replicas ({@code WAIT}),
 * within {@code timeout}. {@link #NONE} (0 replicas) acknowledges a write when the primary has applied it:
 * right for a single node and dev mode, and no extra command is sent.
 *
 * @param replicas how many replicas must have the write; 0 for none
 * @param timeout  how long to wait for them; a write not confirmed by then fails with
 *                 {@link StoreUnconfirmedException} (it may or may not survive a failover)
 */
public record Durability(int replicas, Duration timeout) {
  /** Acknowledged once the primary applied it. */
  public static final Durability NONE = new Durability(0, Duration.ofMillis(1));

  public Durability {
    Objects.requireNonNull(timeout, "timeout");
    if (replicas < 0) {
      throw new IllegalArgumentException("replicas must be 0 or more");
    }
    if (timeout.isNegative() || timeout.isZero()) {
      // WAIT 0 would wait forever
      throw new IllegalArgumentException("the replica timeout must be positive");
    }
  }

  /** True when a write must be confirmed by replicas before it is acknowledged. */
  public boolean waitsForReplicas() {
    return replicas > 0;
  }
}
