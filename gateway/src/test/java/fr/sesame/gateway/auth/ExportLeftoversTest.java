package fr.sesame.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An émargement export stopped mid-way leaves a directory with names in the temporary directory: {@link
 * ExportLeftovers#sweep} deletes the old ones, and nothing else.
 */
class ExportLeftoversTest {
  private static final Instant NOW = Instant.parse("2026-11-30T16:00:00Z");

  @TempDir
  Path tmp;

  private Path dir(String name, Duration age) throws Exception {
    Path d = Files.createDirectory(tmp.resolve(name));
    Files.writeString(d.resolve("emargements.pdf"), "Dupont Jean, 2026-11-30 09:12");
    Files.setLastModifiedTime(d, FileTime.from(NOW.minus(age)));
    return d;
  }

  @Test
  void anOldExportIsDeletedAYoungOneAndOtherFilesStay() throws Exception {
    Path old = dir(ExportLeftovers.PREFIX + "111", Duration.ofHours(3));
    Path running = dir(ExportLeftovers.PREFIX + "222", Duration.ofMinutes(2));
    Path other = dir("someone-else-999", Duration.ofDays(3));
    Path target = dir("target-outside", Duration.ofDays(3));
    Path link = Files.createSymbolicLink(tmp.resolve(ExportLeftovers.PREFIX + "link"), target);

    assertThat(ExportLeftovers.sweep(tmp, ExportLeftovers.OLDER_THAN, NOW)).isEqualTo(1);

    assertThat(old).doesNotExist();
    assertThat(running.resolve("emargements.pdf")).exists();
    assertThat(other.resolve("emargements.pdf")).exists();
    assertThat(link).exists();
    assertThat(target.resolve("emargements.pdf")).exists();
  }
}
