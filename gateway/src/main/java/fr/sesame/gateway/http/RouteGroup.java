package fr.sesame.gateway.http;

import io.vertx.ext.web.Router;

/** One group of routes (one handler class); the composition root builds each and {@link ApiRouter} mounts them. */
public interface RouteGroup {
  void mount(Router router, Routes routes);
}
