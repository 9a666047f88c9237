package fr.sesame.gateway.http;

import static fr.sesame.gateway.support.TestGateway.PLATFORM;
import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.gateway.config.AdmissionConfig;
import fr.sesame.gateway.support.TestGateway;
import fr.sesame.testkit.Http;
import fr.sesame.testkit.TestRedis;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Admission control at the door (issue 17, point 1), on a real gateway and Redis. Saturation is forced, not
 * waited for: the real admission class with its adaptive limit pinned at 2 new logins a second (burst 2), on the
 * test's clock, which stands still until the test moves it. So at one instant 2 logins get in and the next ones
 * are held back; each second moved lets 2 more turns come.
 */
class AdmissionTest {
  @RegisterExtension
  static final TestGateway gw = TestGateway.withAdmission(AdmissionConfig.DEFAULTS.withFixedRate(2, 2));

  @BeforeEach
  void emptyTheQueue() {
    gw.clock.advance(Duration.ofHours(1)); // the tickets and turns of the test before are long gone
  }

  /** An election whose roll has voters v0..v(n-1) (birth date 1990-06-15, email). */
  private static String electionOf(int n) {
    String el = gw.openElection();
    StringBuilder roll = new StringBuilder("identifier,college,lastName,firstName,birthDate,email,phone,secret\n");
    for (int i = 0; i < n; i++) {
      roll.append("v").append(i).append(",externes,Nom,Prenom,1990-06-15,v").append(i).append("@univ-test.fr,,\n");
    }
    assertThat(gw.importRoll(el, roll.toString()).status()).isEqualTo(200);
    return el;
  }

  private static Http.Res login(String el, String voter, String ticket) {
    JsonObject body = new JsonObject().put("identifier", voter).put("secret", "1990-06-15").put("channel", "email");
    if (ticket != null) {
      body.put("admissionTicket", ticket);
    }
    return gw.http.post("/v1/elections/" + el + "/login", body);
  }

  /**
   * Every key of these voters and the election's rate-limit keys, with their values (DUMP): what a refused login
   * must not change. The audit trail is read through its export (the outbox appends its own events later).
   */
  private static Map<String, String> redisOf(String el, String... voters) {
    List<String> globs = new ArrayList<>(List.of("rl:{" + el + "}*"));
    for (String v : voters) {
      globs.add("gw:{v:" + TestGateway.pseudonym(el, v) + "}*");
    }
    Map<String, String> out = new TreeMap<>();
    try (var bytes = TestRedis.client().connect(io.lettuce.core.codec.ByteArrayCodec.INSTANCE,
        io.lettuce.core.RedisURI.create(gw.redisUrl));
         var text = TestRedis.client().connect(io.lettuce.core.RedisURI.create(gw.redisUrl))) {
      for (String glob : globs) {
        ScanIterator<String> keys = ScanIterator.scan(text.sync(), ScanArgs.Builder.matches(glob).limit(1000));
        while (keys.hasNext()) {
          String k = keys.next();
          byte[] dump = bytes.sync().dump(k.getBytes(java.nio.charset.StandardCharsets.UTF_8));
          out.put(k, dump == null ? "gone" : Base64.getEncoder().encodeToString(dump));
        }
      }
    }
    return out;
  }

  private static String auditOf(String el) {
    return gw.http.get("/v1/admin/elections/" + el + "/audit", TestGateway.ADMIN).body();
  }

  @Test
  void aLoginHeldBackAnswers503WithRetryAfterAndATicketAndChangesNothing() {
    String el = electionOf(4);
    assertThat(login(el, "v0", null).status()).isEqualTo(200);
    assertThat(login(el, "v1", null).status()).isEqualTo(200);
    Map<String, String> before = redisOf(el, "v2");
    assertThat(before.keySet()).as("v2's record and the election's limits").anyMatch(k -> k.startsWith("rl:"))
        .anyMatch(k -> k.startsWith("gw:{v:"));
    assertThat(auditOf(el)).contains(TestGateway.pseudonym(el, "v0"));

    Http.Res held = login(el, "v2", null);
    assertThat(held.status()).isEqualTo(503);
    assertThat(held.contentType()).isEqualTo("application/problem+json");
    assertThat(held.problemType()).isEqualTo("/problems/overloaded");
    assertThat(held.headers().get("Retry-After")).isEqualTo("1");
    assertThat(held.json().getInteger("retryAfterSeconds")).isEqualTo(1);
    assertThat(held.json().getString("admissionTicket")).matches("[A-Za-z0-9_-]{48}");
    // a wrong secret held back is not a failure either: nothing counted, nothing audited, no limit spent
    Http.Res wrong = gw.http.post("/v1/elections/" + el + "/login", new JsonObject().put("identifier", "v2")
        .put("secret", "2000-01-01").put("channel", "email"));
    assertThat(wrong.status()).isEqualTo(503);
    assertThat(place(wrong.json().getString("admissionTicket"))).as("a new arrival: the next place")
        .isEqualTo(place(held.json().getString("admissionTicket")) + 1);
    // bad input is still a 400, saturated or not
    Http.Res badKey = gw.http.post("/v1/elections/" + el + "/login", Map.of("Idempotency-Key", "k".repeat(200)),
        new JsonObject().put("identifier", "v2").put("secret", "1990-06-15").put("channel", "email"));
    assertThat(badKey.status()).isEqualTo(400);
    assertThat(login(el, "", null).status()).isEqualTo(400);
    assertThat(redisOf(el, "v2")).as("a login held back changes nothing in Redis").isEqualTo(before);
    assertThat(auditOf(el)).as("nothing audited for v2").doesNotContain(TestGateway.pseudonym(el, "v2"));
    assertThat(gw.status(el, "v2").json().getInteger("failedAttempts")).isZero();
  }

  @Test
  void journeysUnderWayPassWhileNewLoginsAreHeld() {
    String el = electionOf(4);
    Http.Res first = login(el, "v0", null);
    assertThat(first.status()).isEqualTo(200);
    assertThat(login(el, "v1", null).status()).isEqualTo(200);
    assertThat(login(el, "v2", null).status()).as("the door is saturated").isEqualTo(503);

    String challenge = first.json().getString("challengeId");
    Http.Res resend = gw.http.post("/v1/elections/" + el + "/login/" + challenge + "/resend", new JsonObject());
    assertThat(resend.status()).as(resend.body()).isNotEqualTo(503); // its own rules, never the door
    Http.Res verified = gw.verify(el, challenge, gw.lastCode("v0@univ-test.fr"));
    assertThat(verified.status()).as(verified.body()).isEqualTo(200);
    String token = verified.json().getString("sessionToken");
    Http.Res introspect = gw.http.post("/v1/introspect", PLATFORM, new JsonObject().put("token", token));
    assertThat(introspect.status()).isEqualTo(200);
    assertThat(introspect.json().getBoolean("active")).isTrue();
    Http.Res emarge = gw.http.post("/v1/elections/" + el + "/emargements", PLATFORM,
        new JsonObject().put("sessionToken", token));
    assertThat(emarge.status()).as(emarge.body()).isEqualTo(201);
    assertThat(gw.http.get("/health/ready", null).status()).isEqualTo(200);

    assertThat(login(el, "v3", null).status()).as("still saturated for new logins").isEqualTo(503);
  }

  @Test
  void heldVotersGetInAtTheirFirstRetryBeforeNewerArrivals() {
    String el = electionOf(40);
    Map<String, String> tickets = new LinkedHashMap<>();
    Map<String, Long> dueAt = new HashMap<>();
    long t = 0; // seconds since the wave
    for (int i = 0; i < 10; i++) { // a wave of 10 at one instant: 2 in, 8 held, each with its turn
      Http.Res r = login(el, "v" + i, null);
      if (r.status() == 200) {
        continue;
      }
      assertThat(r.status()).isEqualTo(503);
      tickets.put("v" + i, r.json().getString("admissionTicket"));
      dueAt.put("v" + i, t + Long.parseLong(r.headers().get("Retry-After")));
    }
    assertThat(tickets).hasSize(8);
    Map<String, Integer> retries = new HashMap<>();
    int next = 10;
    while (!tickets.isEmpty()) {
      gw.clock.advance(Duration.ofSeconds(1));
      t++;
      assertThat(t).as("every held voter got in").isLessThan(30);
      for (String voter : List.copyOf(tickets.keySet())) {
        if (dueAt.get(voter) > t) {
          continue; // honours Retry-After
        }
        retries.merge(voter, 1, Integer::sum);
        Http.Res r = login(el, voter, tickets.get(voter));
        assertThat(r.status()).as("%s at its turn (retry %d)", voter, retries.get(voter)).isEqualTo(200);
        tickets.remove(voter);
      }
      // two newcomers each second, after the ticket holders' turns came: they wait behind them
      for (int k = 0; k < 2 && next < 40; k++, next++) {
        Http.Res newcomer = login(el, "v" + next, null);
        if (!tickets.isEmpty()) {
          assertThat(newcomer.status()).as("a newcomer while older tickets wait").isEqualTo(503);
        }
      }
    }
    assertThat(retries).hasSize(8).allSatisfy((voter, n) -> assertThat(n).as(voter).isEqualTo(1));
  }

  @Test
  void aHolderWhoComesBackEarlyKeepsItsPlace() {
    String el = electionOf(4);
    login(el, "v0", null);
    login(el, "v1", null);
    Http.Res held = login(el, "v2", null);
    String ticket = held.json().getString("admissionTicket");
    Http.Res early = login(el, "v2", ticket);
    assertThat(early.status()).isEqualTo(503);
    assertThat(early.json().getString("admissionTicket")).as("the same place").isEqualTo(ticket);
    Http.Res behind = login(el, "v3", null);
    assertThat(Long.parseLong(behind.headers().get("Retry-After"))).as("behind v2")
        .isGreaterThanOrEqualTo(Long.parseLong(early.headers().get("Retry-After")));
    assertThat(place(behind.json().getString("admissionTicket"))).as("the next place").isEqualTo(place(ticket) + 1);
    gw.clock.advance(Duration.ofSeconds(1));
    assertThat(login(el, "v2", ticket).status()).isEqualTo(200);
  }

  @Test
  void forgedBorrowedOrExpiredTicketsAreNewArrivals() {
    String el = electionOf(8);
    login(el, "v0", null);
    login(el, "v1", null);
    Http.Res held = login(el, "v2", null);
    String ticket = held.json().getString("admissionTicket");
    // another voter's ticket: not his place
    Http.Res borrowed = login(el, "v4", ticket);
    assertThat(borrowed.status()).isEqualTo(503);
    assertThat(borrowed.json().getString("admissionTicket")).isNotEqualTo(ticket);
    // a ticket whose turn was moved earlier: its signature no longer matches
    byte[] raw = Base64.getUrlDecoder().decode(ticket);
    raw[7] -= 100;
    String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    Http.Res forgedRes = login(el, "v2", forged);
    assertThat(forgedRes.status()).isEqualTo(503);
    assertThat(forgedRes.json().getString("admissionTicket")).isNotIn(ticket, forged);
    assertThat(login(el, "v5", "not-a-ticket").status()).as("garbage is a new arrival").isEqualTo(503);
    assertThat(metric("ticket-refused")).isGreaterThanOrEqualTo(3);
    assertThat(gw.http.get("/metrics", null).body()).as("the limit, pinned at 2 a second")
        .contains("sesame_admission_limit 2.0");

    // expired: 2 minutes after its turn, the ticket is a new arrival's (and the door is full again)
    gw.clock.advance(Duration.ofMinutes(3));
    assertThat(login(el, "v6", null).status()).isEqualTo(200);
    assertThat(login(el, "v7", null).status()).isEqualTo(200);
    assertThat(login(el, "v2", ticket).status()).as("an expired ticket").isEqualTo(503);
  }

  /** The place a ticket names (its bytes 4 to 11, after the instance's number). */
  private static long place(String ticket) {
    return java.nio.ByteBuffer.wrap(Base64.getUrlDecoder().decode(ticket)).getLong(4);
  }

  private static double metric(String outcome) {
    String body = gw.http.get("/metrics", null).body();
    for (String line : body.split("\n")) {
      if (line.startsWith("sesame_admission_logins_total{") && line.contains("outcome=\"" + outcome + "\"")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }
}
