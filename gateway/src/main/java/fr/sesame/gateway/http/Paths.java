package fr.sesame.gateway.http;

import fr.sesame.gateway.domain.Election;
import fr.sesame.gateway.election.ElectionService;
import fr.sesame.gateway.problem.ProblemException;
import fr.sesame.gateway.problem.ProblemType;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

/** Path parameters shared by the handlers. */
public final class Paths {
  private Paths() {}

  /** The election named in the path; a malformed or unknown id: 404. */
  public static Future<Election> election(RoutingContext ctx, ElectionService elections) {
    String id = ctx.pathParam("electionId");
    if (id == null || !Election.ID.matcher(id).matches()) {
      return Future.failedFuture(new ProblemException(ProblemType.ELECTION_NOT_FOUND, null));
    }
    return elections.find(id).compose(e -> e.isPresent() ? Future.succeededFuture(e.get())
        : Future.failedFuture(new ProblemException(ProblemType.ELECTION_NOT_FOUND, null)));
  }
}
