package fr.sesame.channels;

import java.time.Instant;

/**
 * What a provider answered when it accepted a message.
 *
 * @param provider   the provider's configured name (e.g. {@code dev-outbox}, {@code ovh})
 * @param messageId  the provider's identifier for the message
 * @param acceptedAt when the provider accepted it
 */
public record Receipt(String provider, String messageId, Instant acceptedAt) {}
