package fr.sesame.testkit;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Shows every log event to {@link LeakGuard}: its formatted message, every argument (also those no placeholder
 * took), its MDC and key-value pairs, and the class and message of its exception, each cause and each
 * suppressed one. Every module's {@code logback-test.xml} includes it (through
 * {@code fr/sesame/testkit/logback-test-base.xml}) on the root logger, so it sees each line at INFO and above,
 * and DEBUG of {@code fr.sesame}: what production could print.
 */
public final class LeakGuardAppender extends AppenderBase<ILoggingEvent> {
  @Override
  protected void append(ILoggingEvent e) {
    StringBuilder text = new StringBuilder(e.getFormattedMessage() == null ? "" : e.getFormattedMessage());
    Object[] args = e.getArgumentArray();
    if (args != null) {
      for (Object a : args) {
        text.append(" | ").append(a);
      }
    }
    Map<String, String> mdc = e.getMDCPropertyMap();
    if (mdc != null && !mdc.isEmpty()) {
      text.append(" | mdc ").append(mdc);
    }
    if (e.getKeyValuePairs() != null) {
      e.getKeyValuePairs().forEach(kv -> text.append(" | ").append(kv.key).append('=').append(kv.value));
    }
    throwable(e.getThrowableProxy(), text, java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
    LeakGuard.inspect(text.toString(), e.getLevel() + " " + e.getLoggerName());
  }

  private static void throwable(IThrowableProxy t, StringBuilder text, Set<IThrowableProxy> done) {
    if (t == null || !done.add(t)) {
      return;
    }
    text.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
    throwable(t.getCause(), text, done);
    IThrowableProxy[] suppressed = t.getSuppressed();
    if (suppressed != null) {
      for (IThrowableProxy s : suppressed) {
        throwable(s, text, done);
      }
    }
  }
}
