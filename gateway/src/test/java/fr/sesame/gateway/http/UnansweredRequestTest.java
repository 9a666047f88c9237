package fr.sesame.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.config.HttpConfig;
import fr.sesame.gateway.metrics.GatewayMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The router's safety net: a request left unanswered by a bug (here a route that never answers, as an exception lost
 * in an asynchronous callback leaves one) is answered 500 problem after {@link ApiRouter#UNANSWERED} instead of
 * hanging; one that answers in time is untouched, and a streamed answer that has begun is left to finish.
 */
class UnansweredRequestTest {
  @Test
  void aRequestNobodyAnswersGetsA500ProblemInsteadOfHanging() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      RouteGroup routes = (router, r) -> {
        r.plain(router.get("/never"), "never", ctx -> { }); // a lost answer
        r.plain(router.get("/slow-stream"), "slow-stream", ctx -> {
          ctx.response().setChunked(true).write("begun");
          vertx.setTimer(1_500, t -> ctx.response().end(" and ended"));
        });
        r.plain(router.get("/fine"), "fine", ctx -> ctx.response().end("ok"));
      };
      int port = vertx.createHttpServer().requestHandler(ApiRouter.create(vertx,
              new HttpConfig(0, "127.0.0.1", 64 * 1024, 1024 * 1024, "none", 1),
              new GatewayMetrics(new SimpleMeterRegistry()), List.of(routes), Duration.ofMillis(500)))
          .listen(0, "127.0.0.1").await().actualPort();
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> never = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/never"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(never.statusCode()).isEqualTo(500);
      assertThat(never.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      HttpResponse<String> stream = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
          + "/slow-stream")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(stream.statusCode()).isEqualTo(200);
      assertThat(stream.body()).isEqualTo("begun and ended");
      assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/fine")).build(),
          HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("ok");
    } finally {
      vertx.close().await();
    }
  }
}
