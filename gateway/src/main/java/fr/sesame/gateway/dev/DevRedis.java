package fr.sesame.gateway.dev;

import java.io.IOException;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The throw-away Redis that dev mode starts when {@code REDIS_URL} is not set. The production jar has no
 * implementation (it ships no Redis binary): the dev launcher, {@code gateway-dev/target/sesame-gateway-dev.jar},
 * adds one ({@code EmbeddedRedis}), found through {@link ServiceLoader}.
 */
public interface DevRedis extends AutoCloseable {
  String url();

  @Override
  void close();

  /** Starts a {@link DevRedis}; listed in {@code META-INF/services} by the module that provides it. */
  interface Starter {
    DevRedis start() throws IOException;
  }

  /** The starter on the class path, if any: none in the production jar. */
  static Optional<Starter> starter() {
    return ServiceLoader.load(Starter.class, DevRedis.class.getClassLoader()).findFirst();
  }
}
