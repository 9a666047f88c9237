package fr.sesame.channels;

import java.util.Objects;

/**
 * One message to one recipient.
 *
 * @param kind    the channel
 * @param to      the destination: an E.164 phone number for SMS and voice, an email address for email
 * @param subject the email subject, {@code null} for other channels; never holds a secret
 * @param text    the body: the SMS text, the words a voice call reads out, or the email's text part
 * @param purpose what the message is for (e.g. {@code login-code}), for metrics and priorities; not shown to the recipient
 * @param attachments files sent with an email (empty for other channels)
 * @param lang    the language of the text ({@code fr}, {@code en}), which picks a voice call's voice;
 *                {@code null} when not known (the provider's default voice)
 */
public record Message(ChannelKind kind, String to, String subject, String text, String purpose,
                      java.util.List<Attachment> attachments, String lang) {
  public Message {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(purpose, "purpose");
    attachments = java.util.List.copyOf(attachments);
  }

  /** A message in no stated language. */
  public Message(ChannelKind kind, String to, String subject, String text, String purpose,
                 java.util.List<Attachment> attachments) {
    this(kind, to, subject, text, purpose, attachments, null);
  }

  /** A message without attachments, in no stated language. */
  public Message(ChannelKind kind, String to, String subject, String text, String purpose) {
    this(kind, to, subject, text, purpose, java.util.List.of());
  }
}
