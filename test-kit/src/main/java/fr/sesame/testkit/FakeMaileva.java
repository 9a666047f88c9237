package fr.sesame.testkit;

import fr.sesame.testkit.FakeHttpServer.Reply;
import fr.sesame.testkit.FakeHttpServer.Request;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maileva's simple-mail API ({@code /mail/v2}) as a fake that keeps its sendings, on a {@link FakeHttpServer}:
 * {@code POST /auth/oauth2/token}; {@code POST /sendings} creates a {@code DRAFT} with a fresh id;
 * {@code /recipients} and {@code /documents} add to a draft; {@code /submit} turns a draft into
 * {@link #SUBMITTED}; {@code GET /sendings/{id}} answers its id and status; {@code DELETE /sendings/{id}}
 * removes a draft (204) and refuses a submitted sending (409). An unknown sending answers 404 everywhere; a call
 * without the current token answers 401 ({@link #revokeTokenAt}). A step can be made to fail ({@link #failStep}).
 * It records every request in order ({@link #requests()}), the token's aside.
 */
public final class FakeMaileva implements AutoCloseable {
  /** The status a submitted sending shows here (Maileva's first one after {@code DRAFT}). */
  public static final String SUBMITTED = "PENDING";
  public static final String DRAFT = "DRAFT";
  private static final Pattern SENDING = Pattern.compile("^/mail/v2/sendings/([^/]+)(/[a-z]+)?$");
  private final FakeHttpServer server;
  private final Map<String, String> statuses = new ConcurrentHashMap<>();
  private volatile Reply statusAsks;
  private volatile long creationDelayMs;
  private final Map<String, Integer> failingSteps = new ConcurrentHashMap<>();
  private volatile String validToken = "tok-1";
  private volatile String revokeAt;

  public FakeMaileva(Vertx vertx) {
    this.server = new FakeHttpServer(vertx).answerAside("/auth/oauth2/token", tokenBody("tok-1"))
        .route(r -> r.path().startsWith("/mail/v2/") && !("Bearer " + validToken).equals(r.header("Authorization")),
            r -> Reply.of(401, "{\"error\":\"invalid_token\"}"))
        .route(r -> r.method().equals("POST") && r.path().equals("/mail/v2/sendings"), r -> {
          String id = UUID.randomUUID().toString();
          statuses.put(id, DRAFT);
          return new Reply(201, new JsonObject().put("id", id).put("status", DRAFT).encode(), creationDelayMs, null);
        })
        .route(r -> SENDING.matcher(r.path()).matches(), this::onSending)
        .route(r -> true, r -> Reply.of(404, "{}"));
  }

  private static String tokenBody(String token) {
    return "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":3600}";
  }

  private Reply onSending(Request r) {
    Matcher m = SENDING.matcher(r.path());
    m.matches();
    String id = m.group(1);
    String step = m.group(2) == null ? "" : m.group(2);
    if (r.method().equals("POST") && step.equals(revokeAt)) {
      revokeAt = null;
      validToken = validToken + "'";
      server.answerAside("/auth/oauth2/token", tokenBody(validToken));
      return Reply.of(401, "{\"error\":\"invalid_token\"}");
    }
    Integer failure = r.method().equals("POST") ? failingSteps.get(step) : null;
    if (failure != null) {
      return Reply.of(failure, "{}");
    }
    if (r.method().equals("GET") && step.isEmpty() && statusAsks != null) {
      return statusAsks;
    }
    String status = statuses.get(id);
    if (status == null) {
      return Reply.of(404, "{\"code\":\"NOT_FOUND\"}");
    }
    switch (r.method() + " " + step) {
      case "GET ":
        return Reply.of(200, new JsonObject().put("id", id).put("status", status).encode());
      case "DELETE ":
        if (!DRAFT.equals(status)) {
          return Reply.of(409, "{\"code\":\"SENDING_NOT_DRAFT\"}");
        }
        statuses.remove(id);
        return Reply.of(204, "");
      case "POST /recipients":
      case "POST /documents":
        return DRAFT.equals(status) ? Reply.of(201, new JsonObject().put("id", UUID.randomUUID().toString()).encode())
            : Reply.of(409, "{}");
      case "POST /submit":
        if (!DRAFT.equals(status)) {
          return Reply.of(409, "{}");
        }
        statuses.put(id, SUBMITTED);
        return Reply.of(200, "{}");
      default:
        return Reply.of(404, "{}");
    }
  }

  /** A sending that exists already, with this status (as a crash left it). */
  public FakeMaileva holds(String id, String status) {
    statuses.put(id, status);
    return this;
  }

  /** {@code POST /sendings} answers only after {@code ms} (the sending exists at once). */
  public FakeMaileva delayCreation(long ms) {
    this.creationDelayMs = ms;
    return this;
  }

  /** Every {@code POST /sendings/{id}{step}} ({@code step}: /recipients, /documents or /submit) answers {@code status}. */
  public FakeMaileva failStep(String step, int status) {
    failingSteps.put(step, status);
    return this;
  }

  /**
   * The next {@code POST /sendings/{id}{step}} finds the token revoked: it answers 401, every later call with the
   * old token too, and {@code /oauth2/token} hands out a new one.
   */
  public FakeMaileva revokeTokenAt(String step) {
    this.revokeAt = step;
    return this;
  }

  /** How many sendings are left as drafts (created, neither submitted nor deleted). */
  public long drafts() {
    return statuses.values().stream().filter(DRAFT::equals).count();
  }

  /** How many sendings were submitted (and not refused since). */
  public long submitted() {
    return statuses.values().stream().filter(SUBMITTED::equals).count();
  }

  /** The status of sending {@code id}, or null when there is none (never created, or deleted). */
  public String status(String id) {
    return statuses.get(id);
  }

  /** Every {@code GET /sendings/{id}} is answered {@code reply} from now on (null: answered again by state). */
  public FakeMaileva answerStatusAsks(Reply reply) {
    this.statusAsks = reply;
    return this;
  }

  /** The requests so far, in arrival order, but the token's. */
  public List<Request> requests() {
    return server.requests();
  }

  /** The first request, already there or still to come, that {@code which} accepts ({@link FakeHttpServer#awaitRequest}). */
  public Request awaitRequest(Predicate<Request> which, String what) {
    return server.awaitRequest(which, what);
  }

  /** How many sendings were created ({@code POST /sendings}). */
  public long created() {
    return requests().stream().filter(r -> r.method().equals("POST") && r.path().equals("/mail/v2/sendings")).count();
  }

  /** The base of {@code /oauth2/token}: the provider's {@code authUrl}. */
  public String authUrl() {
    return server.url() + "/auth";
  }

  /** The base of the mail API: the provider's {@code apiUrl}. */
  public String apiUrl() {
    return server.url() + "/mail/v2";
  }

  @Override
  public void close() {
    server.close();
  }
}
