package fr.sesame.gateway.election;

import io.vertx.core.Future;

/**
 * Whether an election may change: fails with {@code election-sealed} (409) while a seal is in force
 * ({@code evidence.SealService#unsealed}). Asked before every change of an election's definition and roll.
 */
@FunctionalInterface
public interface SealGate {
  /** No seal: everything may change (tests, tools). */
  SealGate NONE = electionId -> Future.succeededFuture();

  Future<Void> unsealed(String electionId);
}
