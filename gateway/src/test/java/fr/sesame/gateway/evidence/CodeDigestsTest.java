package fr.sesame.gateway.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The code's digests as a seal shows them, recomputed by hand the way docs/design.md tells an expert to. */
class CodeDigestsTest {
  @TempDir
  Path dir;

  static String sha(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  static final Map<String, String> ENTRIES = Map.of(
      "io/vertx/core/A.class", "a", "io/vertx/core/B.class", "b", "io/netty/C.class", "c",
      "redis/audit/append.lua", "-- append", "fr/sesame/gateway/pages/layout.mustache", "<html>",
      "META-INF/maven/io.vertx/vertx-core/pom.properties", "groupId=io.vertx\nartifactId=vertx-core\nversion=5.0.0\n",
      "README", "root file");

  Path jar(Map<String, String> entries) throws Exception {
    Path jar = Files.createTempFile(dir, "app", ".jar");
    try (OutputStream f = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(f)) {
      for (Map.Entry<String, String> e : entries.entrySet()) {
        out.putNextEntry(new JarEntry(e.getKey()));
        out.write(e.getValue().getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
      }
    }
    return jar;
  }

  @Test
  void aJarsDigestsAreRecomputedFromItsEntries() throws Exception {
    Path jar = jar(ENTRIES);
    JsonObject d = CodeDigests.of(jar);
    assertThat(d.getString("source")).isEqualTo("jar");
    assertThat(d.getString("sha256")).isEqualTo(sha(Files.readAllBytes(jar)));
    // io/vertx: the lines "NAME SHA256\n" of its entries, names in order, hashed
    String lines = "io/vertx/core/A.class " + sha("a".getBytes()) + "\n" + "io/vertx/core/B.class " + sha("b".getBytes())
        + "\n";
    assertThat(d.getJsonObject("packages").getString("io/vertx")).isEqualTo(sha(lines.getBytes()));
    assertThat(d.getJsonObject("packages").fieldNames()).containsExactlyInAnyOrder("io/vertx", "io/netty",
        "redis/audit", "fr/sesame", "META-INF/maven", "/");
    assertThat(d.getJsonObject("libraries").getString("io.vertx:vertx-core:5.0.0"))
        .isEqualTo(sha(ENTRIES.get("META-INF/maven/io.vertx/vertx-core/pom.properties").getBytes()));
    assertThat(d.getJsonObject("scripts").getString("redis/audit/append.lua")).isEqualTo(sha("-- append".getBytes()));
    assertThat(d.getJsonObject("templates").getString("fr/sesame/gateway/pages/layout.mustache"))
        .isEqualTo(sha("<html>".getBytes()));
    // one byte changed in one class: its package's digest changes, the others do not
    Map<String, String> changed = new java.util.HashMap<>(ENTRIES);
    changed.put("io/vertx/core/B.class", "B");
    JsonObject e = CodeDigests.of(jar(changed));
    assertThat(e.getJsonObject("packages").getString("io/vertx")).isNotEqualTo(d.getJsonObject("packages")
        .getString("io/vertx"));
    assertThat(e.getJsonObject("packages").getString("io/netty")).isEqualTo(d.getJsonObject("packages")
        .getString("io/netty"));
  }

  @Test
  void aClassesDirectorySaysItIsNotAJar() throws Exception {
    Path classes = Files.createDirectories(dir.resolve("classes/redis/x"));
    Files.writeString(classes.resolve("a.lua"), "return 1");
    JsonObject d = CodeDigests.of(dir.resolve("classes"));
    assertThat(d.getString("source")).isEqualTo("directory");
    assertThat(d.getString("note")).contains("not a jar");
    assertThat(d.getString("sha256")).isEqualTo(sha(("redis/x/a.lua " + sha("return 1".getBytes()) + "\n").getBytes()));
    assertThat(d.getJsonObject("scripts").getString("redis/x/a.lua")).isEqualTo(sha("return 1".getBytes()));
  }
}
