package fr.sesame.testkit;

import static fr.sesame.testkit.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class FakeHttpServerTest {
  static final Vertx vertx = Vertx.vertx();

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  @Test
  void answersByRouteThenByScriptAndRecordsAllButAsides() {
    try (FakeHttpServer fake = new FakeHttpServer(vertx); Http http = new Http(fake.url())) {
      fake.answerAside("/auth/time", "1584264600")
          .route(r -> r.path().startsWith("/echo"), r -> FakeHttpServer.Reply.of(201, r.body()))
          .reply(503, "{}").reply(200, "{\"ok\":true}");
      assertThat(http.get("/1.0/auth/time", null).body()).isEqualTo("1584264600");
      assertThat(http.post("/echo?x=1", new JsonObject().put("a", 1)).toString()).isEqualTo("201 {\"a\":1}");
      assertThat(http.get("/send", "k").status()).isEqualTo(503);
      assertThat(http.get("/send", null).status()).isEqualTo(200);
      assertThat(http.get("/send", null).status()).as("the last reply repeats").isEqualTo(200);
      assertThat(fake.requests()).extracting(Object::toString)
          .containsExactly("POST /echo?x=1", "GET /send", "GET /send", "GET /send");
      assertThat(fake.requests().get(1).header("authorization")).isEqualTo("Bearer k");
      assertThat(fake.requests().get(0).path()).isEqualTo("/echo");
    }
  }

  @Test
  void awaitRequestWakesWhenTheRequestArrives() {
    try (FakeHttpServer fake = new FakeHttpServer(vertx); Http http = new Http(fake.url())) {
      var sent = http.async(io.vertx.core.http.HttpMethod.POST, "/jobs", null, "application/json",
          io.vertx.core.buffer.Buffer.buffer("{\"to\":\"+33612345678\"}"));
      var job = fake.awaitRequest(r -> r.body().contains("+33612345678"), "the job");
      assertThat(job.path()).isEqualTo("/jobs");
      assertThat(await(sent).status()).isEqualTo(200);
    }
  }

  @Test
  void anUnusedPortRefusesConnections() {
    try (Http http = new Http(Ports.unused())) {
      assertThat(Await.failure(http.async(io.vertx.core.http.HttpMethod.GET, "/", null, null, null)))
          .hasMessageContaining("onnection refused");
    }
  }
}
