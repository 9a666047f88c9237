package fr.sesame.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Tiny static pages for the browser helpers' own tests, served by the JDK's HTTP server on a free loopback
 * port, each with a Content-Security-Policy like the product's (no inline script, no inline style).
 * {@link #events()} records each request as "path?query accept-language".
 */
final class TestPages implements AutoCloseable {
  private static final String CSP = "default-src 'self'; script-src 'self'; frame-ancestors 'none'";

  static final String GOOD = """
      <!doctype html>
      <html lang="fr">
      <head><meta charset="utf-8"><title>Connexion - Sésame</title>
      <link rel="stylesheet" href="/good.css">
      </head>
      <body>
      <main>
        <h1>Connexion</h1>
        <form action="/done" method="get">
          <label for="voter">Identifiant de votant</label>
          <input id="voter" name="voter" type="text" autocomplete="username">
          <button id="go" type="submit">Continuer</button>
        </form>
      </main>
      </body>
      </html>
      """;

  static final String BAD = """
      <!doctype html>
      <html lang="fr">
      <head><meta charset="utf-8"><title>Mauvaise page</title><link rel="stylesheet" href="/bad.css"></head>
      <body>
      <main>
        <h1>Mauvaise page</h1>
        <img src="/logo.png">
        <input id="unlabelled" type="text">
        <p class="pale">Texte trop pâle</p>
      </main>
      </body>
      </html>
      """;

  static final String SCRIPTED = """
      <!doctype html>
      <html lang="fr">
      <head><meta charset="utf-8"><title>Sans JavaScript</title><script src="/set.js" defer></script></head>
      <body>
      <main>
        <h1>Sans JavaScript</h1>
        <noscript><p id="noscript">Cette page marche sans JavaScript.</p></noscript>
        <p id="scripted"></p>
      </main>
      </body>
      </html>
      """;

  static final String SET_JS = "document.getElementById('scripted').textContent = 'Texte posé par le script';\n";

  /** A button whose focus shows nothing, and a div that Tab cannot reach. */
  static final String HIDDEN_FOCUS = """
      <!doctype html>
      <html lang="fr">
      <head><meta charset="utf-8"><title>Focus invisible</title>
      <link rel="stylesheet" href="/hidden-focus.css"></head>
      <body>
      <main>
        <h1>Focus invisible</h1>
        <button id="ghost" type="button">Rien ne se voit</button>
        <div id="fake" role="button">Pas un bouton</div>
      </main>
      </body>
      </html>
      """;

  /** Stylesheets: the CSP forbids inline styles as the product's does. */
  static final Map<String, String> CSS = Map.of(
      "/good.css", "button:focus-visible, input:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }\n",
      "/bad.css", ".pale { color: #bbbbbb; background: #ffffff; }\n",
      "/hidden-focus.css", "button:focus { outline: none; box-shadow: none; }\n");

  static final String DONE = """
      <!doctype html>
      <html lang="fr"><head><meta charset="utf-8"><title>Envoyé</title></head>
      <body><main><h1>Envoyé</h1></main></body></html>
      """;

  private final HttpServer server;
  private final EventLog<String> events = new EventLog<>();
  private final EventLog<String> cookies = new EventLog<>();

  TestPages() throws IOException {
    Map<String, String> pages = Map.of("/good", GOOD, "/bad", BAD, "/scripted", SCRIPTED,
        "/hidden-focus", HIDDEN_FOCUS, "/done", DONE);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      String query = exchange.getRequestURI().getRawQuery();
      events.add(path + (query == null ? "" : "?" + query) + " "
          + exchange.getRequestHeaders().getFirst("Accept-Language"));
      cookies.add(path + " " + exchange.getRequestHeaders().getFirst("Cookie"));
      if (path.equals("/cookie")) {
        // the gateway's browser-binding cookie: Secure, yet these pages are served over plain HTTP
        exchange.getResponseHeaders().add("Set-Cookie", "__Host-test=abc; Path=/; Secure; HttpOnly; SameSite=Lax");
        send(exchange, 200, "text/html; charset=utf-8", DONE);
      } else if (pages.containsKey(path)) {
        send(exchange, 200, "text/html; charset=utf-8", pages.get(path));
      } else if (CSS.containsKey(path)) {
        send(exchange, 200, "text/css; charset=utf-8", CSS.get(path));
      } else if (path.equals("/set.js")) {
        send(exchange, 200, "text/javascript; charset=utf-8", SET_JS);
      } else {
        send(exchange, 404, "text/plain; charset=utf-8", "not found");
      }
    });
    server.start();
  }

  private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.getResponseHeaders().set("Content-Security-Policy", CSP);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  EventLog<String> events() {
    return events;
  }

  /** Each request as "path cookie-header" ("null" when it sent none). */
  EventLog<String> cookies() {
    return cookies;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
