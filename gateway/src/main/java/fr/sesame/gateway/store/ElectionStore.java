package fr.sesame.gateway.store;

import fr.sesame.gateway.domain.Election;
import io.vertx.core.Future;
import java.util.Optional;

/** Elections' definitions. */
public interface ElectionStore {
  Future<Optional<Election>> get(String electionId);

  /** @return true when the election is new */
  Future<Boolean> put(Election election);

  /** Stores the election only when there is none with its id; @return whether it was stored */
  Future<Boolean> create(Election election);
}
