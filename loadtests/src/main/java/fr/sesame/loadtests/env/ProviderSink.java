package fr.sesame.loadtests.env;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fast provider for load tests. It speaks OVH's SMS API (what the gateway's real {@code ovh-sms} adapter
 * calls: {@code GET /1.0/auth/time}, {@code POST /1.0/sms/{service}/jobs}) and keeps the last code sent to
 * each number, for the simulation to read; and SMTP (what the {@code smtp} adapter, the Vert.x mail client,
 * speaks), counting the messages. It answers at once, as a provider at the far end of a fast network
 * would; OVH signatures are not checked (the adapter's own tests do that).
 */
public final class ProviderSink implements AutoCloseable {
  private static final Pattern CODE = Pattern.compile("(\\d{6})");
  private final Vertx vertx;
  private final HttpServer server;
  private final Map<String, String> codes = new ConcurrentHashMap<>();
  private final AtomicLong sms = new AtomicLong();
  private final AtomicLong emails = new AtomicLong();
  private volatile int smtpPort;
  /**
   * Where the sink listens and what it tells the gateway: 127.0.0.1 by default; for a gateway on another
   * machine, this machine's address ({@code -Dsesame.sinkHost}).
   */
  private static final String HOST = System.getProperty("sesame.sinkHost", "127.0.0.1");
  /** Fixed ports, for a gateway configured ahead ({@code -Dsesame.sinkHttpPort}, {@code -Dsesame.sinkSmtpPort}); 0: any free one. */
  private static final int HTTP_PORT = Integer.getInteger("sesame.sinkHttpPort", 0);
  private static final int SMTP_PORT = Integer.getInteger("sesame.sinkSmtpPort", 0);

  private ProviderSink(Vertx vertx, HttpServer server) {
    this.vertx = vertx;
    this.server = server;
  }

  /** A minimal SMTP server: greets, accepts every command and message, counts the messages. */
  private void startSmtp() throws Exception {
    io.vertx.core.net.NetServer smtp = vertx.createNetServer().connectHandler(socket -> {
      boolean[] inData = {false};
      io.vertx.core.parsetools.RecordParser lines = io.vertx.core.parsetools.RecordParser.newDelimited("\r\n", line -> {
        String l = line.toString();
        if (inData[0]) {
          if (l.equals(".")) {
            inData[0] = false;
            emails.incrementAndGet();
            socket.write("250 2.0.0 queued\r\n");
          }
          return;
        }
        String verb = l.length() >= 4 ? l.substring(0, 4).toUpperCase(java.util.Locale.ROOT) : l;
        switch (verb) {
          case "EHLO" -> socket.write("250-sink\r\n250-PIPELINING\r\n250 8BITMIME\r\n");
          case "DATA" -> {
            inData[0] = true;
            socket.write("354 end with <CRLF>.<CRLF>\r\n");
          }
          case "QUIT" -> socket.write("221 bye\r\n").onComplete(v -> socket.close());
          default -> socket.write("250 OK\r\n"); // HELO, MAIL, RCPT, RSET, NOOP
        }
      });
      socket.handler(lines);
      socket.write("220 sink ESMTP\r\n");
    });
    smtpPort = smtp.listen(SMTP_PORT, HOST).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
        .actualPort();
  }

  /** The SMTP port, for the {@code smtp} provider's {@code port} (host {@link #host()}, STARTTLS disabled). */
  public int smtpPort() {
    return smtpPort;
  }

  /** The address the sink listens on. */
  public String host() {
    return HOST;
  }

  public long emailsReceived() {
    return emails.get();
  }

  public static ProviderSink start() throws Exception {
    Vertx vertx = Vertx.vertx();
    ProviderSink[] self = new ProviderSink[1];
    HttpServer server = vertx.createHttpServer().requestHandler(req -> {
      if (req.path().endsWith("/auth/time")) {
        req.response().end(Long.toString(Instant.now().getEpochSecond()));
        return;
      }
      req.body().onSuccess(body -> {
        if (req.path().endsWith("/jobs")) {
          JsonObject job = new JsonObject(body);
          String to = job.getJsonArray("receivers").getString(0);
          Matcher m = CODE.matcher(job.getString("message", "").replace(" ", "").replace(",", ""));
          if (m.find()) {
            self[0].codes.put(to, m.group(1));
          }
          long id = self[0].sms.incrementAndGet();
          req.response().putHeader("Content-Type", "application/json").end("{\"ids\":[" + id
              + "],\"validReceivers\":[\"" + to + "\"],\"invalidReceivers\":[],\"totalCreditsRemoved\":1}");
        } else {
          req.response().setStatusCode(404).end();
        }
      });
    });
    server.listen(HTTP_PORT, HOST).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    self[0] = new ProviderSink(vertx, server);
    self[0].startSmtp();
    return self[0];
  }

  /** The OVH API's base URL, for the {@code ovh-sms} provider's {@code endpoint}. */
  public String ovhEndpoint() {
    return "http://" + HOST + ":" + server.actualPort() + "/1.0";
  }

  /** Takes the last code sent to {@code phone}; null when none arrived (yet). */
  public String takeCode(String phone) {
    return codes.remove(phone);
  }

  public long smsReceived() {
    return sms.get();
  }

  @Override
  public void close() {
    vertx.close();
  }
}
