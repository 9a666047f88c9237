package fr.sesame.gateway.store;

import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An election's seals (issue 16, point 1), the seal in force, and what a seal reads of the roll. */
public interface SealStore {
  /** Up to {@code count} pseudonyms of the roll index after {@code cursor} ("" for the first page), in order. */
  Future<List<String>> rollPage(String electionId, String cursor, int count);

  /**
   * Up to {@code count} pseudonyms of the roll index in {@code [from, below)}, after {@code cursor} when it is not
   * "", in order; {@code from} "" is the start of the index, {@code below} "" its end (one bucket of the roll's
   * digest: {@code evidence.RollBuckets}).
   */
  Future<List<String>> rollPage(String electionId, String from, String below, String cursor, int count);

  /** The voter records of these pseudonyms, each as its fields (empty when it has none), in the same order. */
  Future<List<Map<String, String>>> voters(List<String> pseudonyms);

  /** The next seal number of the election (1 for the first), never given twice. */
  Future<Long> nextNumber(String electionId);

  /** Appends a seal's line; @return how many the election has */
  Future<Long> append(String electionId, String line);

  /** Every seal line of the election, oldest first. */
  Future<List<String>> seals(String electionId);

  /** The number of the seal in force, empty when the election is not sealed (never, or reopened). */
  Future<Optional<Long>> inForce(String electionId);

  /** Puts seal {@code n} in force. */
  Future<Void> enforce(String electionId, long n);

  /** Lifts the seal in force; @return whether one was */
  Future<Boolean> lift(String electionId);

  /** Takes the automatic sealing's lease for {@code ms} unless another instance holds it. */
  Future<Boolean> lease(String holder, long ms);

  /** Claims the automatic seal of one election for {@code ms}, unless another instance holds the claim. */
  Future<Boolean> claimAutomatic(String electionId, String holder, long ms);

  /** Releases the claim if {@code holder} still holds it (never fails: a claim left runs out). */
  Future<Void> releaseAutomatic(String electionId, String holder);
}
