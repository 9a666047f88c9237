package fr.sesame.gateway.http;

import static fr.sesame.gateway.support.TestGateway.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.store.redis.RedisKeys;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.Await;
import fr.sesame.testkit.Http;
import fr.sesame.testkit.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.StreamResetException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The roll import job over HTTP/2 (HTTPS, ALPN), with Vert.x's client: the 202 comes on the stream while the body
 * is still being sent, the client goes on sending DATA frames on it, and a job that fails mid-upload resets the
 * stream only, not the connection.
 */
class RollImportJobH2Test {
  private static final String HEADER = RollImportJobTest.HEADER;
  private static final Duration WAIT = Duration.ofSeconds(60);
  @RegisterExtension
  static final TestGateway gw = TestGateway.overHttps(1);
  private static final Vertx vertx = Vertx.vertx();
  private static final HttpClient client = vertx.httpClientBuilder().with(new HttpClientOptions()
      .setProtocolVersion(HttpVersion.HTTP_2).setUseAlpn(true).setSsl(true).setTrustAll(true).setVerifyHost(false))
      .build();

  @AfterAll
  static void close() {
    Await.await(vertx.close(), Duration.ofSeconds(10));
  }

  private static String election() {
    String el = TestGateway.newElectionId();
    Http.Res put = gw.http.put("/v1/admin/elections/" + el, ADMIN, TestGateway.electionBody(
        gw.clock.instant().minus(Duration.ofDays(1)), gw.clock.instant().plus(Duration.ofDays(1))));
    assertThat(put.status()).as(put.body()).isEqualTo(201);
    return el;
  }

  private static String rows(int from, int to) {
    StringBuilder csv = new StringBuilder();
    for (int i = from; i < to; i++) {
      csv.append("h").append(i).append(",etudiants,Nom,Prenom,,h").append(i).append("@univ-test.fr,,2023")
          .append(String.format("%04d", i % 10_000)).append('\n');
    }
    return csv.toString();
  }

  private static HttpClientRequest open(String el) {
    HttpClientRequest req = Await.await(client.request(new RequestOptions().setMethod(HttpMethod.POST)
        .setHost("127.0.0.1").setPort(gw.gateway.port()).setURI("/v1/admin/elections/" + el + "/imports")));
    req.putHeader("Authorization", "Bearer " + ADMIN).putHeader("Content-Type", "text/csv").setChunked(true);
    return req;
  }

  /** An answer: its protocol, status and JSON body. */
  private record Answer(HttpVersion version, int status, JsonObject body) {}

  /** The request's answer, its body read on the event loop as it comes (it would be gone by a later read). */
  private static Future<Answer> answer(HttpClientRequest req) {
    return req.response().compose(res -> res.body().map(b -> new Answer(res.version(), res.statusCode(),
        b.length() == 0 ? new JsonObject() : new JsonObject(b))));
  }

  private static JsonObject awaitJob(String el, String jobId, Predicate<JsonObject> done, String what) {
    return TestRedis.readUntil(TestRedis.literal(RedisKeys.importJob(el, jobId)),
        () -> gw.http.get("/v1/admin/elections/" + el + "/imports/" + jobId, ADMIN).json(), done, WAIT, what);
  }

  @Test
  void theAnswerComesOnTheStreamWhileTheBodyIsStillBeingSent() {
    String el = election();
    HttpClientRequest req = open(el);
    Future<Answer> answer = answer(req);
    Await.await(req.write(HEADER + "\n" + rows(0, 1_000)));
    Answer started = Await.await(answer);
    assertThat(started.version()).isEqualTo(HttpVersion.HTTP_2);
    assertThat(started.status()).as(started.body().encode()).isEqualTo(202);
    String jobId = started.body().getString("jobId");
    assertThat(awaitJob(el, jobId, j -> j.getLong("linesRead") == 1_001, "the first part imported")
        .getString("status")).isEqualTo("running");

    Await.await(req.end(rows(1_000, 1_700)));
    JsonObject done = awaitJob(el, jobId, j -> !j.getString("status").equals("running"), "the job's end");
    assertThat(done.getString("status")).as(done.encode()).isEqualTo("done");
    assertThat(done.getLong("imported")).isEqualTo(1_700);
  }

  @Test
  void aJobThatFailsMidUploadResetsItsStreamOnly() {
    String el = election();
    HttpClientRequest req = open(el);
    Promise<Throwable> stopped = Promise.promise();
    req.exceptionHandler(stopped::tryComplete);
    Future<Answer> answer = answer(req);
    Await.await(req.write(HEADER + "\n" + rows(0, 10)));
    Answer started = Await.await(answer);
    assertThat(started.status()).as(started.body().encode()).isEqualTo(202);
    String jobId = started.body().getString("jobId");
    req.write("h10,etudiants,Nom," + "x".repeat(200_000) + ",,,,20231234\n");
    JsonObject failed = awaitJob(el, jobId, j -> !j.getString("status").equals("running"), "the job's end");
    assertThat(failed.getString("status")).isEqualTo("failed");
    assertThat(failed.getJsonObject("error").getString("detail")).isEqualTo("line 12 is longer than 8192 bytes");
    // the rest of the upload is refused: the stream is reset (RST_STREAM NO_ERROR after the complete answer)
    assertThat(Await.await(stopped.future())).isInstanceOf(StreamResetException.class);
    // the client's connection (HTTP/2 multiplexes its requests on one) still serves
    HttpClientResponse health = Await.await(client.request(HttpMethod.GET, gw.gateway.port(), "127.0.0.1",
        "/health/live").compose(r -> r.send()));
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(gw.importRoll(el, HEADER + "\nafter,etudiants,Nom,Prenom,,,,20239999\n").status()).isEqualTo(200);
  }
}
