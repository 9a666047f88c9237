package fr.sesame.gateway;

import fr.sesame.gateway.config.TlsConfig;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

/**
 * The PEM certificate and key of {@link TlsConfig} as the HTTP server loads them, and the stamp (modification time
 * and size of both files) that tells when they were replaced. Nothing here reads or logs the key's content.
 */
final class TlsFiles {
  private TlsFiles() {}

  /** The two files' modification times and sizes; equal stamps mean unchanged files. */
  record Stamp(long certModified, long certSize, long keyModified, long keySize) {
    /** @return the stamp, or null while a file is missing or unreadable (being replaced) */
    static Stamp of(TlsConfig tls) {
      try {
        return new Stamp(Files.getLastModifiedTime(tls.cert()).toMillis(), Files.size(tls.cert()),
            Files.getLastModifiedTime(tls.key()).toMillis(), Files.size(tls.key()));
      } catch (IOException e) {
        return null;
      }
    }
  }

  /** What the server speaks: TLS 1.2 and 1.3 only, ALPN (h2, http/1.1), this certificate and key. */
  static ServerSSLOptions sslOptions(TlsConfig tls) {
    return new ServerSSLOptions().setKeyCertOptions(keyCert(tls))
        .setEnabledSecureTransportProtocols(TlsConfig.PROTOCOLS).setUseAlpn(true);
  }

  static PemKeyCertOptions keyCert(TlsConfig tls) {
    return new PemKeyCertOptions().setCertPath(tls.cert().toString()).setKeyPath(tls.key().toString());
  }

  /** The certificate's subject, serial and end of validity, for the log; never the key. */
  static String describe(Path cert) {
    try (InputStream in = Files.newInputStream(cert)) {
      X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      return "subject " + c.getSubjectX500Principal().getName() + ", serial " + c.getSerialNumber().toString(16)
          + ", valid until " + c.getNotAfter().toInstant();
    } catch (Exception e) {
      return "unreadable certificate (" + e.getClass().getSimpleName() + ")";
    }
  }
}
