package fr.sesame.gateway.http.pages;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The pages' own style sheet, read once: no third-party asset, no font download. */
final class Static {
  private static final Buffer CSS = read("fr/sesame/gateway/static/sesame.css");
  private static final Buffer JS = read("fr/sesame/gateway/static/sesame.js");

  private Static() {}

  private static Buffer read(String resource) {
    try (InputStream in = Static.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing " + resource);
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void js(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "text/javascript; charset=utf-8")
        .putHeader("Cache-Control", "public, max-age=3600").end(JS);
  }

  static void css(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "text/css; charset=utf-8")
        .putHeader("Cache-Control", "public, max-age=3600").end(CSS);
  }
}
