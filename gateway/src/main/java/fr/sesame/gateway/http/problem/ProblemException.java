package fr.sesame.gateway.http.problem;

import io.vertx.core.json.JsonObject;

/** A request that ends in a problem response; {@link FailureHandler} renders it. */
public final class ProblemException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final ProblemType type;
  private final transient JsonObject extensions;

  public ProblemException(ProblemType type, String detail) {
    this(type, detail, new JsonObject());
  }

  public ProblemException(ProblemType type, String detail, JsonObject extensions) {
    super(detail, null, false, false);
    this.type = type;
    this.extensions = extensions;
  }

  public ProblemType type() {
    return type;
  }

  public JsonObject extensions() {
    return extensions;
  }
}
