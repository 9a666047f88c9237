package fr.sesame.gateway.auth;

import fr.sesame.channels.ChannelKind;
import fr.sesame.channels.Message;
import java.time.Duration;

/** The texts that carry a login code (French; the code never appears in an email subject). */
final class OtpMessages {
  private OtpMessages() {}

  static Message loginCode(ChannelKind channel, String to, String code, Duration validity) {
    long minutes = Math.max(1, validity.toMinutes());
    return switch (channel) {
      case SMS -> new Message(channel, to, null,
          "Sesame : votre code de connexion est " + code + ". Il expire dans " + minutes
              + " min. Ne le communiquez a personne.", "login-code");
      case VOICE -> {
        String spelled = String.join(", ", code.split(""));
        yield new Message(channel, to, null, "Bonjour. Votre code de connexion Sesame est : " + spelled
            + ". Je repete : " + spelled + ".", "login-code");
      }
      case EMAIL -> new Message(channel, to, "Votre code de connexion",
          "Bonjour,\n\nVotre code de connexion est : " + code + "\nIl expire dans " + minutes
              + " minutes.\n\nSi vous n'avez pas demande ce code, ignorez ce message.\n", "login-code");
      case POST -> throw new IllegalArgumentException("login codes are not sent by post");
    };
  }
}
