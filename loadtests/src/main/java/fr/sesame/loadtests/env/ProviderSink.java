package fr.sesame.loadtests.env;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
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
  /**
   * Where the sink listens and what it tells the gateway: 127.0.0.1 by default; for a gateway on another
   * machine, this machine's address ({@code -Dsesame.sinkHost}).
   */
  private static final String HOST = System.getProperty("sesame.sinkHost", "127.0.0.1");
  /** Fixed ports, for a gateway configured ahead ({@code -Dsesame.sinkHttpPort}, {@code -Dsesame.sinkSmtpPort}); 0: any free one. */
  private static final int HTTP_PORT = Integer.getInteger("sesame.sinkHttpPort", 0);
  private static final int SMTP_PORT = Integer.getInteger("sesame.sinkSmtpPort", 0);

  private final Vertx vertx = Vertx.vertx();
  private final Map<String, String> codes = new ConcurrentHashMap<>();
  private final java.util.List<String> invitations = new java.util.ArrayList<>();
  private final AtomicLong smsIds = new AtomicLong();
  /** Emails received; waiters are woken on each (see {@link #awaitEmails}). */
  private long emails;
  private int httpPort;
  private int smtpPort;

  private ProviderSink() {}

  public static ProviderSink start() throws Exception {
    ProviderSink sink = new ProviderSink();
    try {
      HttpServer http = sink.vertx.createHttpServer().requestHandler(sink::ovh);
      sink.httpPort = http.listen(HTTP_PORT, HOST).toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS).actualPort();
      NetServer smtp = sink.vertx.createNetServer().connectHandler(sink::smtp);
      sink.smtpPort = smtp.listen(SMTP_PORT, HOST).toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS).actualPort();
      return sink;
    } catch (Exception e) {
      sink.close();
      throw e;
    }
  }

  /** OVH's SMS API, as far as the {@code ovh-sms} adapter uses it. */
  private void ovh(HttpServerRequest req) {
    if (req.path().endsWith("/auth/time")) {
      req.response().end(Long.toString(Instant.now().getEpochSecond()));
      return;
    }
    req.body().onSuccess(body -> {
      if (!req.path().endsWith("/jobs")) {
        req.response().setStatusCode(404).end();
        return;
      }
      JsonObject job = new JsonObject(body);
      String to = job.getJsonArray("receivers").getString(0);
      Matcher m = CODE.matcher(job.getString("message", "").replace(" ", "").replace(",", ""));
      if (m.find()) {
        codeReceived(to, m.group(1));
      }
      req.response().putHeader("Content-Type", "application/json").end("{\"ids\":[" + smsIds.incrementAndGet()
          + "],\"validReceivers\":[\"" + to + "\"],\"invalidReceivers\":[],\"totalCreditsRemoved\":1}");
    });
  }

  /** A minimal SMTP conversation: greets, accepts every command and message, counts the messages. */
  private void smtp(NetSocket socket) {
    boolean[] inData = {false};
    StringBuilder text = new StringBuilder();
    socket.handler(RecordParser.newDelimited("\r\n", line -> {
      String l = line.toString();
      if (inData[0]) {
        if (!l.equals(".") && text.length() < 65_536) {
          text.append(l).append('\n');
        }
        if (l.equals(".")) {
          inData[0] = false;
          invitationIn(text);
          text.setLength(0);
          emailReceived();
          socket.write("250 2.0.0 queued\r\n");
        }
        return;
      }
      String verb = l.length() >= 4 ? l.substring(0, 4).toUpperCase(Locale.ROOT) : l;
      switch (verb) {
        case "EHLO" -> socket.write("250-sink\r\n250-PIPELINING\r\n250 8BITMIME\r\n");
        case "DATA" -> {
          inData[0] = true;
          socket.write("354 end with <CRLF>.<CRLF>\r\n");
        }
        case "QUIT" -> socket.write("221 bye\r\n").onComplete(v -> socket.close());
        default -> socket.write("250 OK\r\n"); // HELO, MAIL, RCPT, RSET, NOOP
      }
    }));
    socket.write("220 sink ESMTP\r\n");
  }

  private synchronized void codeReceived(String phone, String code) {
    codes.put(phone, code);
    notifyAll();
  }

  private static final Pattern INVITATION = Pattern.compile("/console/invitation/([A-Za-z0-9_-]{43})");

  /** Keeps a staff invitation's token, from a quoted-printable or base64 body (the load tests sign staff in). */
  private void invitationIn(StringBuilder text) {
    String raw = text.toString();
    String qp = raw.replace("=\n", ""); // quoted-printable's soft line breaks
    Matcher m = INVITATION.matcher(qp);
    if (!m.find()) {
      StringBuilder decoded = new StringBuilder();
      for (String l : raw.split("\n")) {
        if (l.matches("[A-Za-z0-9+/=]{8,}")) {
          try {
            decoded.append(new String(java.util.Base64.getMimeDecoder().decode(l), StandardCharsets.UTF_8));
          } catch (IllegalArgumentException e) {
            // not base64 after all
          }
        }
      }
      m = INVITATION.matcher(decoded);
      if (!m.find()) {
        return;
      }
    }
    invitationReceived(m.group(1));
  }

  private synchronized void invitationReceived(String token) {
    invitations.add(token);
    notifyAll();
  }

  /** Takes the oldest staff invitation token received, waiting up to {@code timeout}; null when none came. */
  public synchronized String takeInvitation(Duration timeout) throws InterruptedException {
    long until = System.nanoTime() + timeout.toNanos();
    while (invitations.isEmpty()) {
      long left = until - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return invitations.remove(0);
  }

  private synchronized void emailReceived() {
    emails++;
    notifyAll();
  }

  /** The OVH API's base URL, for the {@code ovh-sms} provider's {@code endpoint}. */
  public String ovhEndpoint() {
    return "http://" + HOST + ":" + httpPort + "/1.0";
  }

  /** The SMTP port, for the {@code smtp} provider's {@code port} (host {@link #host()}, STARTTLS disabled). */
  public int smtpPort() {
    return smtpPort;
  }

  /** The address the sink listens on. */
  public String host() {
    return HOST;
  }

  /** Takes the last code sent to {@code phone}; null when none arrived (yet). */
  public String takeCode(String phone) {
    return codes.remove(phone);
  }

  /** Like {@link #takeCode(String)}, waiting (woken by each code) up to {@code timeout}; null when none came. */
  public synchronized String takeCode(String phone, Duration timeout) throws InterruptedException {
    long until = System.nanoTime() + timeout.toNanos();
    String code;
    while ((code = codes.remove(phone)) == null) {
      long left = until - System.nanoTime();
      if (left <= 0) {
        return null;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return code;
  }

  public synchronized long emailsReceived() {
    return emails;
  }

  /** Waits, woken by each email, until {@code count} have arrived or {@code timeout} passed. @return how many */
  public synchronized long awaitEmails(long count, Duration timeout) throws InterruptedException {
    long until = System.nanoTime() + timeout.toNanos();
    while (emails < count) {
      long left = until - System.nanoTime();
      if (left <= 0) {
        break;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return emails;
  }

  @Override
  public void close() {
    vertx.close();
  }
}
