package fr.sesame.gateway.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Voter sessions.
 *
 * @param idleTimeout a session ends after this much inactivity (sliding); default 30 minutes
 */
public record SessionConfig(Duration idleTimeout) {
  public static final SessionConfig DEFAULTS = new SessionConfig(Duration.ofMinutes(30));

  public SessionConfig {
    Objects.requireNonNull(idleTimeout, "session.idleTimeout");
    if (idleTimeout.toMinutes() < 1 || idleTimeout.toHours() > 24) {
      throw new IllegalArgumentException("session.idleTimeout must be between 1 minute and 24 hours");
    }
  }
}
