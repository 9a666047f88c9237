package fr.sesame.gateway.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import fr.sesame.testkit.EventLog;
import org.slf4j.LoggerFactory;

/** Every log line of the JVM at WARN or above, as events a test waits on; removed by {@link #close()}. */
public final class LogEvents implements AutoCloseable {
  public final EventLog<ILoggingEvent> events = new EventLog<>();
  private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
    @Override
    protected void append(ILoggingEvent e) {
      if (e.getLevel().isGreaterOrEqual(Level.WARN)) {
        events.add(e);
      }
    }
  };

  public LogEvents() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    appender.setContext(root.getLoggerContext());
    appender.start();
    root.addAppender(appender);
  }

  /** The events of logger {@code name} at {@code level} from index {@code from} on. */
  public long count(int from, String name, Level level) {
    var all = events.all();
    return all.subList(from, all.size()).stream()
        .filter(e -> e.getLoggerName().equals(name) && e.getLevel().equals(level)).count();
  }

  @Override
  public void close() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(appender);
    appender.stop();
  }
}
