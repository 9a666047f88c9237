package fr.sesame.testkit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The log events of some loggers (and their children), as an {@link EventLog} a test waits on, for a test
 * that asserts what is logged. Close it after the test: it detaches itself.
 */
public final class LogCapture implements AutoCloseable {
  public final EventLog<ILoggingEvent> events = new EventLog<>();
  private final List<Logger> loggers;
  private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
    @Override
    protected void append(ILoggingEvent e) {
      events.add(e);
    }
  };

  /** Captures the events of these loggers (by class name) and of the loggers below them. */
  public LogCapture(Class<?>... of) {
    this(java.util.Arrays.stream(of).map(Class::getName).toArray(String[]::new));
  }

  /** Captures every event of the JVM (the root logger's): at INFO and above, DEBUG for {@code fr.sesame}. */
  public static LogCapture all() {
    return new LogCapture(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  private LogCapture(String... names) {
    this.loggers = java.util.Arrays.stream(names).map(n -> (Logger) LoggerFactory.getLogger(n)).toList();
    appender.setContext(loggers.get(0).getLoggerContext());
    appender.start();
    loggers.forEach(l -> l.addAppender(appender));
  }

  /** The captured lines at {@code level} or above, each as {@code LEVEL logger-simple-name: message}. */
  public List<String> lines(Level level) {
    return events.all().stream().filter(e -> e.getLevel().isGreaterOrEqual(level))
        .map(e -> e.getLevel() + " " + e.getLoggerName().substring(e.getLoggerName().lastIndexOf('.') + 1) + ": "
            + e.getFormattedMessage())
        .toList();
  }

  @Override
  public void close() {
    loggers.forEach(l -> l.detachAppender(appender));
    appender.stop();
  }
}
