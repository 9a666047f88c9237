package fr.sesame.gateway.evidence;

import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The code part of a seal's manifest: digests of the running gateway's code, computed once (the code does not
 * change while it runs; its blocking reads belong off the event loop). The code source of the gateway's classes is
 * either the shaded jar ({@code "source":"jar"}) or, in tests and an IDE, a classes directory
 * ({@code "source":"directory"}, whose digest is not a jar's: said so in the manifest). In both, each file is an
 * entry named by its path with {@code /}, and:
 * <ul>
 *   <li>{@code sha256}: of the jar file's bytes; for a directory, of the entries' list below;</li>
 *   <li>{@code packages}: the entries folded per top-level package, i.e. the first two segments of the entry's
 *       path ({@code io/vertx}, {@code fr/sesame}, {@code META-INF/maven}; a file at the root or one level down
 *       under its first segment): the SHA-256 of the lines {@code NAME SP SHA256(bytes) LF}, names in code-point
 *       order ({@code unzip} then {@code sha256sum} recompute it: see docs/design.md, "Seal");</li>
 *   <li>{@code libraries}: what the shaded jar says it holds (each {@code META-INF/maven/G/A/pom.properties}:
 *       {@code G:A:V} with that file's digest); in a directory run, every jar of the class path by file name with
 *       its SHA-256;</li>
 *   <li>{@code scripts}: each Lua script ({@code redis/**.lua}); {@code templates}: each page template and text
 *       ({@code fr/sesame/gateway/pages/**}), each with its SHA-256.</li>
 * </ul>
 */
public final class CodeDigests {
  private static volatile JsonObject computed;

  private CodeDigests() {}

  /** The code's digests (computed on the first call: blocking). */
  public static JsonObject running() {
    JsonObject c = computed;
    if (c == null) {
      synchronized (CodeDigests.class) {
        if (computed == null) {
          computed = of(codeSource());
        }
        c = computed;
      }
    }
    return c.copy();
  }

  /** The code's digests computed again now, not cached (blocking). */
  public static JsonObject recomputed() {
    return of(codeSource());
  }

  /**
   * The running code's digests as the integrity check sees them, against a seal's {@code sealed} ones (blocking): when
   * the code runs from a jar whose file's SHA-256 is the sealed one, the sealed digests (the file's digest covers
   * every entry: hashing the jar alone, about 0.2 s for 70 MB, stands for the whole recomputation); otherwise (a
   * jar that changed, a classes directory) every digest computed again, so that the check says what differs.
   */
  public static JsonObject recomputed(JsonObject sealed) {
    Path source = codeSource();
    try {
      if (Files.isRegularFile(source) && "jar".equals(sealed.getString("source"))
          && hex(sha(source)).equals(sealed.getString("sha256"))
          && source.getFileName().toString().equals(sealed.getString("name"))) {
        return sealed.copy();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return of(source);
  }

  /** SHA-256 of a file, streamed. */
  private static byte[] sha(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        d.update(buf, 0, n);
      }
      return d.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static Path codeSource() {
    try {
      return Path.of(CodeDigests.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | RuntimeException e) {
      throw new IllegalStateException("the gateway's code source cannot be found", e);
    }
  }

  /** The digests of a jar or a classes directory. */
  public static JsonObject of(Path source) {
    try {
      Map<String, String> entries = new TreeMap<>();
      boolean jar = Files.isRegularFile(source);
      if (jar) {
        try (JarFile j = new JarFile(source.toFile())) {
          Enumeration<JarEntry> all = j.entries();
          while (all.hasMoreElements()) {
            JarEntry e = all.nextElement();
            if (!e.isDirectory()) {
              try (InputStream in = j.getInputStream(e)) {
                entries.put(e.getName(), hex(sha(in.readAllBytes())));
              }
            }
          }
        }
      } else {
        try (Stream<Path> walk = Files.walk(source)) {
          for (Path p : walk.filter(Files::isRegularFile).toList()) {
            entries.put(source.relativize(p).toString().replace(File.separatorChar, '/'), hex(sha(Files.readAllBytes(p))));
          }
        }
      }
      JsonObject out = new JsonObject();
      out.put("source", jar ? "jar" : "directory");
      out.put("name", source.getFileName().toString());
      if (!jar) {
        out.put("note", "run from a classes directory, not a jar: sha256 is the digest of the entries' list "
            + "(NAME SP SHA256 LF, names in order), not of a jar");
      }
      out.put("sha256", jar ? hex(sha(Files.readAllBytes(source))) : fold(entries));
      Map<String, Map<String, String>> packages = new TreeMap<>();
      Map<String, String> scripts = new TreeMap<>();
      Map<String, String> templates = new TreeMap<>();
      Map<String, String> libraries = new TreeMap<>();
      for (Map.Entry<String, String> e : entries.entrySet()) {
        String name = e.getKey();
        packages.computeIfAbsent(topLevel(name), k -> new TreeMap<>()).put(name, e.getValue());
        if (name.startsWith("redis/") && name.endsWith(".lua")) {
          scripts.put(name, e.getValue());
        }
        if (name.startsWith("fr/sesame/gateway/pages/")) {
          templates.put(name, e.getValue());
        }
      }
      if (jar) {
        try (JarFile j = new JarFile(source.toFile())) {
          for (String name : entries.keySet()) {
            if (name.startsWith("META-INF/maven/") && name.endsWith("/pom.properties")) {
              Properties p = new Properties();
              try (InputStream in = j.getInputStream(j.getEntry(name))) {
                p.load(in);
              }
              libraries.put(p.getProperty("groupId") + ":" + p.getProperty("artifactId") + ":"
                  + p.getProperty("version"), entries.get(name));
            }
          }
        }
      } else {
        for (String element : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
          Path p = Path.of(element);
          if (element.endsWith(".jar") && Files.isRegularFile(p)) {
            libraries.put(p.getFileName().toString(), hex(sha(Files.readAllBytes(p))));
          }
        }
      }
      JsonObject pk = new JsonObject();
      packages.forEach((k, v) -> pk.put(k, fold(v)));
      out.put("packages", pk);
      out.put("libraries", new JsonObject(new java.util.LinkedHashMap<>(libraries)));
      out.put("scripts", new JsonObject(new java.util.LinkedHashMap<>(scripts)));
      out.put("templates", new JsonObject(new java.util.LinkedHashMap<>(templates)));
      out.put("entries", entries.size());
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The first two segments of an entry's path (one for a file at the root or one level down). */
  static String topLevel(String name) {
    String[] parts = name.split("/");
    if (parts.length <= 2) {
      return parts.length == 1 ? "/" : parts[0];
    }
    return parts[0] + "/" + parts[1];
  }

  /** SHA-256 (hex) of the lines NAME SP DIGEST LF, in the map's (code-point) order. */
  static String fold(Map<String, String> entries) {
    StringBuilder b = new StringBuilder();
    entries.forEach((k, v) -> b.append(k).append(' ').append(v).append('\n'));
    return hex(sha(b.toString().getBytes(StandardCharsets.UTF_8)));
  }

  static byte[] sha(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
