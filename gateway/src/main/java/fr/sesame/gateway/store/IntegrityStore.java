package fr.sesame.gateway.store;

import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/** What the integrity check (issue 16, point 3) reads of the émargement list, and its lease. */
public interface IntegrityStore {
  /** How many émargements the election's list holds. */
  Future<Long> emargementCount(String electionId);

  /** The émargement records of these voters, in the same order (null where a voter has none). */
  Future<List<String>> emargements(String electionId, List<String> pseudonyms);

  /** One page of the émargement list (pseudonym -> record); the cursor is "0" at the start and "0" again at the end. */
  record Page(String cursor, Map<String, String> entries) {}

  Future<Page> emargementPage(String electionId, String cursor, int count);

  /**
   * Claims an election's start or end check ({@code kind}) for {@code holder}: true for the one instance that
   * runs it; the claim lasts {@code ms} (an instance that stopped mid-check leaves it to another once it ends).
   */
  Future<Boolean> claim(String electionId, String kind, String holder, long ms);

  /**
   * Takes the integrity check's lease for {@code ms} unless another instance holds it: one instance checks per period.
   * It is not renewed: it runs out by itself.
   */
  Future<Boolean> lease(String holder, long ms);
}
