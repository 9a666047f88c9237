package fr.sesame.gateway.store;

import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/** The émargement list: who voted, once. */
public interface EmargementStore {
  /** Records a vote; @return false when the voter had already voted (nothing is written then). */
  Future<Boolean> record(String electionId, String pseudonym, String recordJson);

  Future<Boolean> hasVoted(String electionId, String pseudonym);

  /** One page of the list; the cursor is "0" at the start and "0" again at the end. */
  record Page(String cursor, Map<String, String> entries) {}

  Future<Page> page(String electionId, String cursor, int count);

  /** Reads the encrypted identities of several voters in one round trip (null where absent). */
  Future<List<String>> identities(List<String> pseudonyms);
}
