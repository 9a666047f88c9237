package fr.sesame.gateway.election;

import fr.sesame.gateway.domain.Election;
import fr.sesame.gateway.store.ElectionStore;
import io.vertx.core.Future;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads elections through a short cache shared by every event loop: a login does not pay a Redis round
 * trip for the election. An update made on this instance is seen at once; one made on another instance
 * within {@code CACHE_NANOS}.
 */
public final class ElectionService {
  private static final long CACHE_NANOS = 2_000_000_000L;
  private final ElectionStore store;
  private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(Optional<Election> election, long loadedAt) {}

  public ElectionService(ElectionStore store) {
    this.store = store;
  }

  public Future<Optional<Election>> find(String electionId) {
    Cached c = cache.get(electionId);
    long now = System.nanoTime();
    if (c != null && now - c.loadedAt() < CACHE_NANOS) {
      return Future.succeededFuture(c.election());
    }
    return store.get(electionId).onSuccess(e -> {
      if (cache.size() > 10_000) {
        cache.clear(); // junk election ids must not grow the cache without bound
      }
      cache.put(electionId, new Cached(e, now));
    });
  }

  /** @return true when the election is new */
  public Future<Boolean> put(Election election) {
    return store.put(election).onSuccess(created -> cache.remove(election.id()));
  }

  /** Stores a new election; @return false (nothing stored) when one has its id already */
  public Future<Boolean> create(Election election) {
    return store.create(election).onSuccess(created -> cache.remove(election.id()));
  }

  /** Drops the election from this instance's cache (its data are being destroyed; others' expire shortly). */
  public void forget(String electionId) {
    cache.remove(electionId);
  }
}
