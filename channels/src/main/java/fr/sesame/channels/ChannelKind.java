package fr.sesame.channels;

import java.util.Locale;
import java.util.Optional;

/** The ways Sesame reaches a person. The wire name is the lower-case form used in the API. */
public enum ChannelKind {
  EMAIL, SMS, VOICE, POST;

  /** @return the name used in JSON and configuration: {@code email}, {@code sms}, {@code voice}, {@code post} */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a wire name; empty for anything else (including other letter cases). */
  public static Optional<ChannelKind> fromWire(String value) {
    for (ChannelKind kind : values()) {
      if (kind.wireName().equals(value)) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }

  /** @return true for channels addressed by a phone number (SMS and voice). */
  public boolean usesPhone() {
    return this == SMS || this == VOICE;
  }
}
