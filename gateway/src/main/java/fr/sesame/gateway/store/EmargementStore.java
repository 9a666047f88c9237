package fr.sesame.gateway.store;

import io.vertx.core.Future;
import java.util.List;
import java.util.Map;

/** The émargement list: who voted, once. */
public interface EmargementStore {
  /**
   * What recording a vote found.
   * @param kind        RECORDED now; REPEATED: this same session had recorded it (a retry), {@code votedAtMs}
   *                    is then that first time; ALREADY_VOTED: recorded by another session (nothing written)
   * @param votedAtMs   when the vote was recorded (RECORDED and REPEATED), 0 otherwise
   */
  record Recording(Kind kind, long votedAtMs) {
    public enum Kind { RECORDED, REPEATED, ALREADY_VOTED }
  }

  /**
   * Records a vote once; a repeat by the same session answers the first record. Acknowledged only once the
   * store has it durably (as configured), else it fails and may be retried.
   * @param recordJson {"t": ms, "ip", "sid": sessionId, "c"}
   */
  Future<Recording> record(String electionId, String pseudonym, String sessionId, long atMs, String recordJson);

  /**
   * The turnout, from counters kept with each émargement: in all, by college, by hour.
   * @param byHour émargements by epoch hour (hours since 1970, UTC)
   * @param byHourAndCollege émargements by epoch hour, then by college
   */
  record Turnout(long total, java.util.Map<String, Long> byCollege, java.util.Map<Long, Long> byHour,
                 java.util.Map<Long, java.util.Map<String, Long>> byHourAndCollege) {}

  Future<Turnout> turnout(String electionId);

  Future<Boolean> hasVoted(String electionId, String pseudonym);

  /** One page of the list; the cursor is "0" at the start and "0" again at the end. */
  record Page(String cursor, Map<String, String> entries) {}

  Future<Page> page(String electionId, String cursor, int count);

  /** Reads the encrypted identities of several voters in one round trip (null where absent). */
  Future<List<String>> identities(List<String> pseudonyms);
}
