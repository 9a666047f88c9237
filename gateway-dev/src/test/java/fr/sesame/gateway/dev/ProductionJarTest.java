package fr.sesame.gateway.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, point 9: the production jar holds only what production runs. This module's tests run after the
 * gateway's {@code package} in the reactor, so they can open the jar it built; the embedded Redis lives here.
 */
class ProductionJarTest {
  /**
   * Today about 50 MB (Bouncy Castle, for the staff's Argon2id, added 7 MB); the embedded Redis binaries would add
   * 11.4 MB more: the entries above name them, this bound catches what they do not.
   */
  private static final long MAX_BYTES = 55L * 1024 * 1024;

  @Test
  void theProductionJarShipsNoRedisBinaryAndNoDevRedis() throws Exception {
    Path jar = Path.of(System.getProperty("sesame.gatewayJar", "../gateway/target/sesame-gateway.jar"));
    Assumptions.assumeTrue(Files.isRegularFile(jar), jar + " is not built (run package or verify, not test)");
    try (JarFile file = new JarFile(jar.toFile())) {
      List<String> dev = file.stream().map(ZipEntry::getName)
          .filter(n -> n.contains("redis-server") || n.startsWith("redis/embedded/")
              || n.contains("EmbeddedRedis") || n.equals("META-INF/services/fr.sesame.gateway.dev.DevRedis$Starter"))
          .toList();
      assertThat(dev).as("dev-only entries in " + jar).isEmpty();
    }
    assertThat(Files.size(jar)).as(jar + " size").isLessThan(MAX_BYTES);
  }

  @Test
  void devModeFindsTheEmbeddedRedisHereAndItAnswers() throws Exception {
    DevRedis.Starter starter = DevRedis.starter().orElseThrow();
    assertThat(starter).isInstanceOf(EmbeddedRedis.Starter.class);
    try (DevRedis redis = starter.start()) {
      assertThat(redis.url()).startsWith("redis://127.0.0.1:");
    }
  }
}
