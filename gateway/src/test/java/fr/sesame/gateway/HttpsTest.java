package fr.sesame.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import fr.sesame.channels.config.ConfigException;
import fr.sesame.gateway.config.ConfigLoader;
import fr.sesame.gateway.config.HttpConfig;
import fr.sesame.gateway.config.TlsConfig;
import fr.sesame.testkit.Await;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, point 10: HTTPS at the gateway. The HTTP verticle on real sockets, with a self-signed certificate
 * written as PEM files: TLS 1.1 refused, TLS 1.2 and 1.3 served, HTTP/2 by ALPN, HSTS on every answer, a replaced
 * certificate served without a restart; and {@code serve} refusing to start on plain HTTP unless told so.
 */
class HttpsTest {
  /** Made once: a self-signed certificate takes seconds to make here. */
  private static SelfSignedCertificate first;
  private static SelfSignedCertificate second;
  @TempDir
  Path dir;
  private Vertx vertx;
  private Path cert;
  private Path key;
  private int port;

  @BeforeAll
  static void certificates() {
    first = SelfSignedCertificate.create("first.sesame.test");
    second = SelfSignedCertificate.create("second.sesame.test");
  }

  @BeforeEach
  void deployOverTls() throws Exception {
    vertx = Vertx.vertx();
    cert = dir.resolve("cert.pem");
    key = dir.resolve("key.pem");
    install(first);
    HttpConfig http = new HttpConfig(0, "127.0.0.1", 64 * 1024, 1 << 20, "none", 1)
        .withTls(new TlsConfig(cert, key, Duration.ofMillis(100)));
    HttpVerticle verticle = new HttpVerticle(http, v -> {
      Router r = Router.router(v);
      r.get("/ping").handler(ctx -> ctx.end("pong"));
      return r;
    }, Duration.ofSeconds(1));
    Await.await(vertx.deployVerticle(verticle), Duration.ofSeconds(10));
    port = verticle.actualPort();
  }

  @AfterEach
  void close() {
    Await.await(vertx.close(), Duration.ofSeconds(10));
  }

  @Test
  void servesTls13OverHttp2WithHsts() {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setTrustAll(true)
        .setVerifyHost(false).setUseAlpn(true).setProtocolVersion(HttpVersion.HTTP_2));
    String[] protocol = new String[1];
    String[] body = new String[1];
    HttpClientResponse res = Await.await(client.request(new RequestOptions().setMethod(HttpMethod.GET)
        .setHost("127.0.0.1").setPort(port).setURI("/ping")).compose(req -> {
          protocol[0] = req.connection().sslSession().getProtocol();
          return req.send();
        }).compose(r -> r.body().map(b -> {
          body[0] = b.toString();
          return r;
        })), Duration.ofSeconds(10));
    assertThat(res.version()).isEqualTo(HttpVersion.HTTP_2);
    assertThat(protocol[0]).isEqualTo("TLSv1.3");
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.getHeader("Strict-Transport-Security")).isEqualTo("max-age=31536000");
    assertThat(body[0]).isEqualTo("pong");
    // an answer the router never sees (the server's own refusal) carries it too
    HttpClient http1 = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setTrustAll(true)
        .setVerifyHost(false));
    HttpClientResponse notFound = Await.await(http1.request(HttpMethod.GET, port, "127.0.0.1", "/nothing")
        .compose(req -> req.send()), Duration.ofSeconds(10));
    assertThat(notFound.version()).isEqualTo(HttpVersion.HTTP_1_1);
    assertThat(notFound.getHeader("Strict-Transport-Security")).isEqualTo("max-age=31536000");
  }

  @Test
  void tls12AndTls13AreServedTls11AndTls10AreRefused() throws Exception {
    assertThat(handshake("TLSv1.3").getSession().getProtocol()).isEqualTo("TLSv1.3");
    assertThat(handshake("TLSv1.2").getSession().getProtocol()).isEqualTo("TLSv1.2");
    // the JDK disables TLS 1.0 and 1.1 itself (java.security): the handshake fails either way
    assertThatThrownBy(() -> handshake("TLSv1.1")).isInstanceOf(SSLException.class);
    assertThatThrownBy(() -> handshake("TLSv1")).isInstanceOf(SSLException.class);
    // a client that does offer TLS 1.1 (OpenSSL, security level 0) is refused by the server: a protocol_version alert
    for (String version : new String[] {"-tls1_1", "-tls1"}) {
      String out = openssl("s_client", version, "-cipher", "DEFAULT@SECLEVEL=0", "-connect", "127.0.0.1:" + port);
      assertThat(out).as(out).containsIgnoringCase("alert protocol version");
    }
    String ok = openssl("s_client", "-tls1_3", "-connect", "127.0.0.1:" + port);
    assertThat(ok).as(ok).contains("TLSv1.3");
  }

  @Test
  void aReplacedCertificateIsServedWithoutARestart() throws Exception {
    // the reload is an event of its own: its INFO line, or its WARN when the new pair cannot be loaded
    ch.qos.logback.classic.Logger verticle = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
        HttpVerticle.class);
    fr.sesame.testkit.EventLog<ch.qos.logback.classic.spi.ILoggingEvent> reloads = new fr.sesame.testkit.EventLog<>();
    ch.qos.logback.core.AppenderBase<ch.qos.logback.classic.spi.ILoggingEvent> appender =
        new ch.qos.logback.core.AppenderBase<>() {
          @Override
          protected void append(ch.qos.logback.classic.spi.ILoggingEvent e) {
            reloads.add(e);
          }
        };
    appender.setContext(verticle.getLoggerContext());
    appender.start();
    ch.qos.logback.classic.Level level = verticle.getLevel();
    verticle.setLevel(ch.qos.logback.classic.Level.INFO);
    verticle.addAppender(appender);
    try {
      BigInteger first = serial(handshake("TLSv1.3"));
      install(second);
      BigInteger expected = pemSerial(Path.of(second.certificatePath()));
      assertThat(expected).isNotEqualTo(first);
      reloads.await(e -> e.getFormattedMessage().contains("reloaded"), Duration.ofSeconds(10),
          "the certificate reloaded");
      assertThat(serial(handshake("TLSv1.3"))).as("the new certificate, on a new connection").isEqualTo(expected);
      // a broken pair is refused and the loaded one kept
      int from = reloads.size();
      Files.writeString(key, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
      reloads.awaitFrom(from, e -> e.getLevel() == ch.qos.logback.classic.Level.WARN
          && e.getFormattedMessage().contains("could not be loaded"), Duration.ofSeconds(10), "the broken pair refused");
      assertThat(serial(handshake("TLSv1.3"))).isEqualTo(expected);
    } finally {
      verticle.detachAppender(appender);
      verticle.setLevel(level);
      appender.stop();
    }
  }

  @Test
  void serveRefusesPlainHttpUnlessToldSo() throws Exception {
    Map<String, String> env = env();
    ConfigException e = catchThrowableOfType(() -> ConfigLoader.load(null, env, false), ConfigException.class);
    assertThat(e.problems()).singleElement().asString().startsWith("http.tls: serve speaks HTTPS")
        .contains("SESAME_TLS_CERT", "http.forwarded", "http.plain");
    assertThat(ConfigLoader.load(null, env, true).http().tls()).as("dev mode").isNull();
    assertThat(ConfigLoader.load(yaml("http: {plain: true}"), env, false).http().tls()).isNull();
    assertThat(ConfigLoader.load(yaml("http: {forwarded: x-forward}"), env, false).http().tls()).isNull();

    TlsConfig tls = ConfigLoader.load(yaml("http: {tls: {cert: " + cert + ", key: " + key + ", checkEvery: PT1M}}"),
        env, false).http().tls();
    assertThat(tls).isEqualTo(new TlsConfig(cert, key, Duration.ofMinutes(1)));
    Map<String, String> fromEnv = env();
    fromEnv.put("SESAME_TLS_CERT", cert.toString());
    fromEnv.put("SESAME_TLS_KEY", key.toString());
    assertThat(ConfigLoader.load(null, fromEnv, false).http().tls())
        .isEqualTo(new TlsConfig(cert, key, TlsConfig.DEFAULT_CHECK_EVERY));

    e = catchThrowableOfType(() -> ConfigLoader.load(yaml("http: {plain: yes please, tls: {cert: " + dir.resolve("no.pem")
        + ", kee: " + key + "}}"), env, false), ConfigException.class);
    assertThat(e.problems()).containsExactlyInAnyOrder(
        "http.plain: must be true or false, not \"yes please\"",
        "http.tls.kee: unknown setting 'kee'; did you mean 'key'? (known: cert, checkEvery, key)",
        "http.tls.cert: cannot read the PEM file of the certificate chain at " + dir.resolve("no.pem").toAbsolutePath(),
        "http.tls.key: is required with http.tls: the PEM file of its private key");
    e = catchThrowableOfType(() -> ConfigLoader.load(yaml("http: {plain: true, tls: {cert: " + cert + ", key: " + key
        + "}}"), env, false), ConfigException.class);
    assertThat(e.problems()).singleElement().asString().startsWith("http.plain: is true while http.tls is set");
  }

  private Path yaml(String text) throws IOException {
    return Files.writeString(Files.createTempFile(dir, "sesame", ".yaml"), text + "\n");
  }

  private static Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("SESAME_HASH_KEY", Base64.getEncoder().encodeToString(new byte[32]));
    env.put("SESAME_DATA_KEY", Base64.getEncoder().encodeToString(new byte[32]));
    env.put("SESAME_EVIDENCE_KEY", fr.sesame.gateway.crypto.EvidenceKey.generate().pkcs8());
    env.put("SESAME_API_KEYS", "admin:admin-key-1");
    env.put("REDIS_URL", "redis://127.0.0.1:6379");
    return env;
  }

  /** Writes the key then the certificate over the served files, as an operator's renewal would. */
  private void install(SelfSignedCertificate c) throws IOException {
    Files.copy(Path.of(c.privateKeyPath()), key, StandardCopyOption.REPLACE_EXISTING);
    Files.copy(Path.of(c.certificatePath()), cert, StandardCopyOption.REPLACE_EXISTING);
  }

  private SSLSocket handshake(String protocol) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
    try {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout(5000);
      socket.setEnabledProtocols(new String[] {protocol});
      socket.startHandshake();
      return socket;
    } finally {
      socket.close(); // the session (protocol, peer certificates) stays readable
    }
  }

  private static BigInteger serial(SSLSocket socket) throws Exception {
    return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
  }

  private static BigInteger pemSerial(Path pem) throws Exception {
    try (var in = Files.newInputStream(pem)) {
      return ((X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in))
          .getSerialNumber();
    }
  }

  private static String openssl(String... args) throws Exception {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "openssl";
    System.arraycopy(args, 0, cmd, 1, args.length);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close(); // s_client ends at end of input
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
