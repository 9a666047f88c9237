package fr.sesame.gateway.dev;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;

/**
 * The demo election of dev mode, created through the gateway's own admin API (so dev mode shows the real
 * import at work): election {@code demo}, open from yesterday for 30 days, three colleges, five voters.
 */
public final class DemoElection {
  public static final String ID = "demo";
  public static final String ROLL = String.join("\n",
      "identifier,college,lastName,firstName,birthDate,email,phone,secret",
      "alice,etudiants,Martin,Alice,2001-04-12,alice.martin@univ-demo.fr,+33612345678,20231234",
      "bruno,etudiants,Durand,Bruno,2000-09-30,bruno.durand@univ-demo.fr,,20235678",
      "chloe,personnels,Bernard,Chloé,1985-01-20,chloe.bernard@univ-demo.fr,06 98 76 54 32,4321",
      "david,personnels,Petit,David,1979-11-02,,+33611223344,8765",
      "emma,externes,Robert,Emma,1990-06-15,emma.robert@univ-demo.fr,,", "");

  /** What to print for the newcomer. */
  public static final String CREDENTIALS = String.join("\n",
      "  identifier  college     secret (kind)               code channels   contact on the roll",
      "  alice       etudiants   20231234 (SISCOL)           sms, email      +33612345678, alice.martin@univ-demo.fr",
      "  bruno       etudiants   20235678 (SISCOL)           sms, email      no phone: give \"phone\" at login",
      "  chloe       personnels  4321 (SSN_LAST4)            sms,voice,email +33698765432, chloe.bernard@univ-demo.fr",
      "  david       personnels  8765 (SSN_LAST4)            sms,voice,email +33611223344",
      "  emma        externes    1990-06-15 (BIRTH_DATE)     email           emma.robert@univ-demo.fr");

  private DemoElection() {}

  public static JsonObject definition(OffsetDateTime now) {
    return new JsonObject().put("name", "Élections de démonstration")
        .put("opensAt", now.minusDays(1).withNano(0).toString())
        .put("closesAt", now.plusDays(30).withNano(0).toString())
        .put("colleges", new JsonArray()
            .add(college("etudiants", "SISCOL", "sms", "email"))
            .add(college("personnels", "SSN_LAST4", "sms", "voice", "email"))
            .add(college("externes", "BIRTH_DATE", "email")));
  }

  private static JsonObject college(String id, String kind, String... channels) {
    return new JsonObject().put("id", id).put("secretKind", kind).put("otpChannels", new JsonArray(java.util.List.of((Object[]) channels)));
  }

  /** Creates (or updates) the election and imports its roll; blocking. @return the import report */
  public static JsonObject seed(Vertx vertx, int port, String adminKey) throws Exception {
    HttpClient http = vertx.createHttpClient();
    try {
      String body = definition(OffsetDateTime.now(ZoneOffset.UTC)).encode();
      call(http, port, HttpMethod.PUT, "/v1/admin/elections/" + ID, adminKey, "application/json", body);
      return new JsonObject(call(http, port, HttpMethod.POST, "/v1/admin/elections/" + ID + "/voters", adminKey,
          "text/csv", ROLL));
    } finally {
      http.close();
    }
  }

  /** The demo support agent dev mode invites: their invitation is in the dev outbox. */
  public static final String AGENT = "agent@univ-demo.fr";

  /** Invites {@link #AGENT} as support of the demo election (once: an existing account is left); blocking. */
  public static void inviteAgent(Vertx vertx, int port, String adminKey) throws Exception {
    HttpClient http = vertx.createHttpClient();
    try {
      call(http, port, HttpMethod.POST, "/v1/admin/staff", adminKey, "application/json", new JsonObject()
          .put("email", AGENT).put("name", "Agent de démonstration").put("roles", new JsonArray()
              .add(new JsonObject().put("election", ID).put("role", "support"))).encode());
    } finally {
      http.close();
    }
  }

  private static String call(HttpClient http, int port, HttpMethod method, String path, String key, String type,
                             String body) throws Exception {
    return http.request(new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(path)
            .putHeader("Authorization", "Bearer " + key).putHeader("Content-Type", type))
        .compose(req -> req.send(Buffer.buffer(body)))
        .compose(res -> res.body().map(b -> {
          if (res.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + " answered " + res.statusCode() + ": " + b);
          }
          return b.toString();
        }))
        .toCompletionStage().toCompletableFuture().get(Duration.ofSeconds(30).toSeconds(), TimeUnit.SECONDS);
  }
}
