package fr.sesame.gateway.problem;

import io.vertx.core.json.JsonObject;

/** A request that ends in a problem response; the HTTP layer's FailureHandler renders it. */
public final class ProblemException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final ProblemType type;
  private final transient JsonObject extensions;
  private final transient java.util.Map<String, String> headers;

  public ProblemException(ProblemType type, String detail) {
    this(type, detail, new JsonObject());
  }

  public ProblemException(ProblemType type, String detail, JsonObject extensions) {
    this(type, detail, extensions, java.util.Map.of());
  }

  /** @param headers response headers beside the problem's own (e.g. the RateLimit fields of a 429) */
  public ProblemException(ProblemType type, String detail, JsonObject extensions,
                          java.util.Map<String, String> headers) {
    super(detail, null, false, false);
    this.type = type;
    this.extensions = extensions;
    this.headers = java.util.Map.copyOf(headers);
  }

  public java.util.Map<String, String> headers() {
    return headers;
  }

  public ProblemType type() {
    return type;
  }

  public JsonObject extensions() {
    return extensions;
  }
}
