package fr.sesame.gateway.domain;

import fr.sesame.channels.ChannelKind;
import java.util.Objects;
import java.util.Set;

/**
 * A group of voters sharing one login rule.
 *
 * @param id          the college's identifier in the roll's {@code college} column
 * @param secretKind  the knowledge secret its voters give
 * @param otpChannels the channels its voters may receive their code on (sms, voice, email)
 */
public record College(String id, SecretKind secretKind, Set<ChannelKind> otpChannels) {
  public College {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(secretKind, "secretKind");
    otpChannels = Set.copyOf(otpChannels);
  }
}
