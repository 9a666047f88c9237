package fr.sesame.gateway.config;

import java.util.Objects;

/**
 * The HTTP server.
 *
 * @param port          listening port (0 picks a free one); default 8080, env {@code SESAME_HTTP_PORT}
 * @param host          listening address; default {@code 0.0.0.0}
 * @param maxJsonBytes  largest JSON request body; larger ones get 413; default 64 KiB
 * @param maxRollBytes  largest voter-roll CSV upload; default 2 GiB
 * @param forwarded     which proxy headers give the client IP: {@code none} (default), {@code forward},
 *                      {@code x-forward} or {@code all}; only set it behind a proxy that overwrites them
 * @param instances     HTTP verticles (event loops serving requests); default: the number of cores
 * @param tls           HTTPS: the PEM certificate and key ({@link TlsConfig}); null serves plain HTTP, which
 *                      {@code serve} only accepts when told so on purpose ({@code http.plain: true}, or
 *                      {@code http.forwarded} behind a TLS-terminating proxy); dev mode may leave it out
 */
public record HttpConfig(int port, String host, int maxJsonBytes, long maxRollBytes, String forwarded, int instances,
                         TlsConfig tls) {
  public static HttpConfig defaults() {
    return new HttpConfig(8080, "0.0.0.0", 64 * 1024, 2L * 1024 * 1024 * 1024, "none",
        Runtime.getRuntime().availableProcessors(), null);
  }

  /** Plain HTTP: what dev mode and the tests build in code. */
  public HttpConfig(int port, String host, int maxJsonBytes, long maxRollBytes, String forwarded, int instances) {
    this(port, host, maxJsonBytes, maxRollBytes, forwarded, instances, null);
  }

  /** A copy listening on another port. */
  public HttpConfig withPort(int other) {
    return new HttpConfig(other, host, maxJsonBytes, maxRollBytes, forwarded, instances, tls);
  }

  /** A copy serving HTTPS with {@code other}, or plain HTTP when null. */
  public HttpConfig withTls(TlsConfig other) {
    return new HttpConfig(port, host, maxJsonBytes, maxRollBytes, forwarded, instances, other);
  }

  public HttpConfig {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("http.port must be 0..65535");
    }
    Objects.requireNonNull(host, "http.host");
    if (maxJsonBytes < 1024 || maxJsonBytes > 16 * 1024 * 1024) {
      throw new IllegalArgumentException("http.maxJsonBytes must be 1 KiB..16 MiB");
    }
    if (maxRollBytes < 1024) {
      throw new IllegalArgumentException("http.maxRollBytes must be at least 1 KiB");
    }
    if (!java.util.Set.of("none", "forward", "x-forward", "all").contains(forwarded)) {
      throw new IllegalArgumentException("http.forwarded must be none, forward, x-forward or all");
    }
    if (instances < 1 || instances > 256) {
      throw new IllegalArgumentException("http.instances must be 1..256");
    }
  }
}
