package fr.sesame.gateway.evidence;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoints' file: only appended to, one line each, a line cut by a crash left apart. */
class CheckpointLogTest {
  @TempDir
  Path dir;

  @Test
  void appendsLinesAndKeepsALineCutByACrashApart() throws Exception {
    CheckpointLog log = new CheckpointLog(dir.resolve("sub"));
    assertThat(log.lines("e1")).isEmpty();
    assertThat(log.size("e1")).isZero();
    log.append("e1", "{\"n\":1}");
    log.append("e1", "{\"n\":2}");
    assertThat(log.lines("e1")).containsExactly("{\"n\":1}", "{\"n\":2}");
    // a crash in the middle of a write
    Files.writeString(dir.resolve("sub/e1.checkpoints.jsonl"), "{\"n\":3", StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);
    log.append("e1", "{\"n\":3}");
    assertThat(log.lines("e1")).containsExactly("{\"n\":1}", "{\"n\":2}", "{\"n\":3", "{\"n\":3}");
    assertThat(log.lines("e2")).isEmpty();
    assertThat(log.size("e1")).isEqualTo(Files.size(dir.resolve("sub/e1.checkpoints.jsonl")));
  }
}
