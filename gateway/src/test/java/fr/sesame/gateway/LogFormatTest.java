package fr.sesame.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.status.Status;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.MDC;

/**
 * The production logging configuration ({@code logback.xml}, not the tests' own) in each format: what it writes
 * to the console for a line with MDC and a line with an exception. No I/O beyond the captured console.
 */
class LogFormatTest {
  @AfterEach
  void clear() {
    System.clearProperty("sesame.log.format");
    MDC.clear();
  }

  /** Configures a logger context of its own from logback.xml and returns what two lines write to the console. */
  private static List<String> console(String format, LoggerContext[] context) throws Exception {
    if (format != null) {
      System.setProperty("sesame.log.format", format);
    }
    LoggerContext ctx = new LoggerContext();
    ctx.setMDCAdapter(MDC.getMDCAdapter());
    context[0] = ctx;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      JoranConfigurator jc = new JoranConfigurator();
      jc.setContext(ctx);
      jc.doConfigure(LogFormatTest.class.getResource("/logback.xml"));
      Logger log = ctx.getLogger("fr.sesame.gateway.Example");
      MDC.put("requestId", "r-42");
      log.info("gateway listening on port {}", 8080);
      MDC.clear();
      log.warn("request {} failed", "r-43", new IllegalStateException("boom", new RuntimeException("root")));
    } finally {
      System.setOut(stdout);
      ctx.stop();
    }
    // The console is the JVM's: a line another test left running writes (the tests' own logback, "HH:mm:ss.SSS
    // LEVEL ...") may land in the capture too, so only this context's lines are kept.
    return out.toString(StandardCharsets.UTF_8).lines().filter(l -> !OTHER_CONTEXT.matcher(l).find()).toList();
  }

  /** The pattern of the tests' logback configuration (test kit's logback-test-base.xml), never production's. */
  private static final Pattern OTHER_CONTEXT = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} [A-Z]{4,5} ");

  @Test
  void jsonWritesOneParseableObjectPerLine() throws Exception {
    List<String> lines = console("json", new LoggerContext[1]);
    assertThat(lines).hasSize(2);
    ObjectMapper json = new ObjectMapper();
    JsonNode info = json.readTree(lines.get(0));
    assertThat(info.get("level").asText()).isEqualTo("INFO");
    assertThat(info.get("loggerName").asText()).isEqualTo("fr.sesame.gateway.Example");
    assertThat(info.get("formattedMessage").asText()).isEqualTo("gateway listening on port 8080");
    assertThat(info.get("timestamp").asLong()).isPositive();
    assertThat(info.get("threadName").asText()).isEqualTo(Thread.currentThread().getName());
    assertThat(info.get("mdc").get("requestId").asText()).isEqualTo("r-42");
    JsonNode warn = json.readTree(lines.get(1));
    assertThat(warn.get("level").asText()).isEqualTo("WARN");
    assertThat(warn.get("throwable").get("className").asText()).isEqualTo("java.lang.IllegalStateException");
    assertThat(warn.get("throwable").get("stepArray")).isNotEmpty();
    assertThat(warn.get("throwable").get("cause").get("className").asText()).isEqualTo("java.lang.RuntimeException");
  }

  @Test
  void textIsTheDefault() throws Exception {
    List<String> lines = console(null, new LoggerContext[1]);
    assertThat(lines.get(0)).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3} INFO  \\[.*\\] "
        + "fr\\.sesame\\.gateway\\.Example - gateway listening on port 8080");
    assertThat(lines.get(1)).contains("WARN", "request r-43 failed");
    assertThat(lines).anyMatch(l -> l.startsWith("java.lang.IllegalStateException: boom"));
  }

  @Test
  void anUnknownFormatIsReportedAndLogsAsText() throws Exception {
    LoggerContext[] ctx = new LoggerContext[1];
    List<String> lines = console("xml", ctx);
    assertThat(lines).anyMatch(l -> l.contains("gateway listening on port 8080") && !l.startsWith("{"));
    assertThat(ctx[0].getStatusManager().getCopyOfStatusList()).anyMatch(s -> s.getLevel() == Status.ERROR
        && s.getMessage().contains("SESAME_LOG_FORMAT (or -Dsesame.log.format) must be text or json, not 'xml'"));
  }
}
