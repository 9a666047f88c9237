package fr.sesame.gateway.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.sesame.channels.Attachment;
import fr.sesame.channels.ChannelKind;
import fr.sesame.gateway.crypto.CipherContext;
import fr.sesame.gateway.crypto.FieldCipher;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, point 1: what an email's attachments may be before the outbox keeps them (bounded: PDF only, four
 * files, 2 MiB in all, a plain file name), and how they are kept (encrypted for the notification, under their own
 * context) and read back byte for byte. No I/O.
 */
class NotificationAttachmentsTest {
  private final FieldCipher cipher = new FieldCipher(new byte[32]);

  private static Attachment pdf(String name, int bytes) {
    byte[] content = new byte[bytes];
    for (int i = 0; i < bytes; i++) {
      content[i] = (byte) i;
    }
    return new Attachment(name, "application/pdf", content);
  }

  @Test
  void anEmailMayCarryPdfsUpToTwoMebibytesInAll() {
    NotificationService.checkAttachments(ChannelKind.EMAIL, List.of());
    NotificationService.checkAttachments(ChannelKind.SMS, List.of());
    NotificationService.checkAttachments(ChannelKind.EMAIL, List.of(pdf("scellement-e1-1.pdf", 1024 * 1024),
        pdf("b.pdf", 1024 * 1024)));
  }

  @Test
  void whatBreaksABoundIsRefusedNamingTheRuleNotTheContent() {
    assertThatThrownBy(() -> NotificationService.checkAttachments(ChannelKind.EMAIL, List.of(
        pdf("a.pdf", 1024 * 1024), pdf("b.pdf", 1024 * 1024 + 1))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2097152 bytes");
    assertThatThrownBy(() -> NotificationService.checkAttachments(ChannelKind.EMAIL, List.of(
        new Attachment("a.html", "text/html", new byte[1])))).hasMessageContaining("type not allowed");
    assertThatThrownBy(() -> NotificationService.checkAttachments(ChannelKind.SMS, List.of(pdf("a.pdf", 1))))
        .hasMessageContaining("only an email");
    assertThatThrownBy(() -> NotificationService.checkAttachments(ChannelKind.EMAIL, List.of(
        pdf("a.pdf", 1), pdf("b.pdf", 1), pdf("c.pdf", 1), pdf("d.pdf", 1), pdf("e.pdf", 1))))
        .hasMessageContaining("at most 4");
    for (String name : List.of("../etc/passwd", "a\r\nBcc: x@y.fr.pdf", "\"q\".pdf", "", ".hidden", "x".repeat(101))) {
      assertThatThrownBy(() -> NotificationService.checkAttachments(ChannelKind.EMAIL, List.of(
          new Attachment(name, "application/pdf", new byte[1])))).as(name).hasMessageContaining("file name");
    }
  }

  @Test
  void attachmentsAreKeptEncryptedForTheirNotificationAndReadBackByteForByte() {
    Attachment file = pdf("scellement-e1-1.pdf", 70_000);
    String enc = NotificationService.attachmentsEnc(cipher, "nt-1", List.of(file));
    assertThat(enc).doesNotContain("scellement");
    List<Attachment> back = NotificationService.attachments(cipher, "nt-1", enc);
    assertThat(back).singleElement().satisfies(a -> {
      assertThat(a.filename()).isEqualTo("scellement-e1-1.pdf");
      assertThat(a.contentType()).isEqualTo("application/pdf");
      assertThat(a.content()).isEqualTo(file.content());
    });
    assertThat(NotificationService.attachmentsEnc(cipher, "nt-1", List.of())).isEmpty();
    assertThat(NotificationService.attachments(cipher, "nt-1", "")).isEmpty();
    // bound to its notification: another's context does not decrypt it
    assertThatThrownBy(() -> cipher.decrypt(enc, CipherContext.notification("nt-2",
        CipherContext.NotificationField.ATTACHMENTS))).isInstanceOf(IllegalStateException.class);
  }
}
