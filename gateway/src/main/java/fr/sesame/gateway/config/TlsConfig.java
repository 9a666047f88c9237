package fr.sesame.gateway.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * HTTPS at the gateway: TLS 1.2 and 1.3 only, HTTP/2 offered by ALPN (HTTP/1.1 kept), {@code Strict-Transport-Security}
 * on every answer. The certificate and key are re-read without a restart when their files change.
 *
 * @param cert       the certificate chain, PEM (the server's certificate first); env {@code SESAME_TLS_CERT}
 * @param key        its private key, PEM (PKCS#8 {@code BEGIN PRIVATE KEY} or PKCS#1 {@code BEGIN RSA PRIVATE KEY}),
 *                   unencrypted; env {@code SESAME_TLS_KEY}
 * @param checkEvery how often the two files' modification times and sizes are compared with the loaded ones;
 *                   default 5 s. A change is loaded once it has held still for one period, so that a certificate
 *                   and key written one after the other are never loaded half-way.
 */
public record TlsConfig(Path cert, Path key, Duration checkEvery) {
  /** The only protocols served: TLS 1.0 and 1.1 are refused at the handshake. */
  public static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");
  public static final Duration DEFAULT_CHECK_EVERY = Duration.ofSeconds(5);

  public TlsConfig {
    Objects.requireNonNull(cert, "http.tls.cert");
    Objects.requireNonNull(key, "http.tls.key");
    Objects.requireNonNull(checkEvery, "http.tls.checkEvery");
    if (checkEvery.toMillis() < 10 || checkEvery.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("http.tls.checkEvery must be 10 ms..1 h");
    }
  }
}
