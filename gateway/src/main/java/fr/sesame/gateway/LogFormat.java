package fr.sesame.gateway;

import ch.qos.logback.core.PropertyDefinerBase;
import java.util.Locale;

/**
 * The log format {@code logback.xml} uses: {@code text} (one readable line per event, the default) or
 * {@code json} (one JSON object per line, for a log collector), from the system property
 * {@code sesame.log.format}, else the environment variable {@code SESAME_LOG_FORMAT}. Any other value is
 * reported on the console by logback at start-up and logs as text: logging must not stop because of it.
 */
public final class LogFormat extends PropertyDefinerBase {
  @Override
  public String getPropertyValue() {
    String v = System.getProperty("sesame.log.format", System.getenv("SESAME_LOG_FORMAT"));
    if (v == null || v.isBlank()) {
      return "text";
    }
    String format = v.strip().toLowerCase(Locale.ROOT);
    if (format.equals("text") || format.equals("json")) {
      return format;
    }
    addError("SESAME_LOG_FORMAT (or -Dsesame.log.format) must be text or json, not '" + v + "': logging as text");
    return "text";
  }
}
