package fr.sesame.gateway.staff;

import fr.sesame.channels.Attachment;
import fr.sesame.channels.ChannelKind;
import fr.sesame.gateway.domain.ClientInfo;
import fr.sesame.gateway.domain.Election;
import fr.sesame.gateway.notify.NotificationService;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alerts an election's bureau members (issue 16, points 1, 3 and 4): an email ({@code bureau-alert}) to each active
 * bureau member and, for an alert, an SMS to each who has a mobile phone on their staff account (given at the
 * invitation, the staff SMS second factor's), both through the outbox's interactive lane. The SMS is short and
 * holds no personal data beyond the election's name: the details are in the email and the console. Every message
 * has an idempotency key made of the caller's {@code dedupKey}, the channel and the recipient, so raising the
 * same alert twice (a retry, two instances) sends each message once. The messages are not audited one by one
 * (no election on the request), as before: the caller audits the alert itself.
 */
public final class BureauAlerts {
  private static final Logger LOG = LoggerFactory.getLogger(BureauAlerts.class);
  /** The SMS of an alert whose caller gave no short text of its own. */
  public static final String DEFAULT_SMS = "alerte de sécurité, détails dans l'email envoyé au bureau et dans la console.";
  /** The most characters an alert's SMS text may have (the template adds the election's name). */
  public static final int MAX_SMS = 160;
  private static final ClientInfo SYSTEM = new ClientInfo("", "system");
  private final StaffService staff;
  private final NotificationService notifications;

  public BureauAlerts(StaffService staff, NotificationService notifications) {
    this.staff = staff;
    this.notifications = notifications;
  }

  /** How many messages an alert queued: {@code emails} and {@code sms}, and how many could not be queued. */
  public record Sent(int emails, int sms, int failed) {
    /** The bureau members reached by email (each active one, unless queuing failed). */
    public int members() {
      return emails;
    }
  }

  /** {@link #alert(Election, String, String, String)} with {@link #DEFAULT_SMS} as the SMS. */
  public Future<Sent> alert(Election election, String text, String dedupKey) {
    return alert(election, text, DEFAULT_SMS, dedupKey);
  }

  /**
   * Emails {@code text} to each bureau member, and texts {@code sms} to each who has a mobile phone.
   * @param sms      the SMS's alert, at most {@link #MAX_SMS} characters, with no personal data (the template
   *                 prefixes the election's name)
   * @param dedupKey the same for the same alert (e.g. {@code incident:<election>:<ms>}): messages are queued once
   * @return what was queued; never fails (a message that cannot be queued is counted in {@link Sent#failed} and
   *     logged, without recipient)
   */
  public Future<Sent> alert(Election election, String text, String sms, String dedupKey) {
    if (sms.length() > MAX_SMS) {
      throw new IllegalArgumentException("an alert's SMS is at most " + MAX_SMS + " characters");
    }
    return send(election, text, sms, dedupKey, List.of());
  }

  /** Emails {@code text} with {@code attachments} (the sealing PDF) to each bureau member; no SMS. */
  public Future<Sent> email(Election election, String text, String dedupKey, List<Attachment> attachments) {
    return send(election, text, null, dedupKey, attachments);
  }

  private Future<Sent> send(Election election, String text, String sms, String dedupKey, List<Attachment> files) {
    return staff.bureauContacts(election.id()).compose(bureau -> {
      List<Future<?>> emails = new ArrayList<>();
      List<Future<?>> texts = new ArrayList<>();
      for (StaffService.BureauContact member : bureau) {
        emails.add(notifications.accept(new NotificationService.Request(ChannelKind.EMAIL, member.email(),
            "bureau-alert", "fr", Map.of("electionName", election.name(), "alert", text),
            dedupKey + ":email:" + member.email(), null, null, null, null, files), SYSTEM));
        if (sms != null && member.phone() != null) {
          texts.add(notifications.accept(new NotificationService.Request(ChannelKind.SMS, member.phone(),
              "bureau-alert", "fr", Map.of("electionName", election.name(), "alert", sms),
              dedupKey + ":sms:" + member.phone()), SYSTEM));
        }
      }
      return Future.join(Future.join(emails), Future.join(texts)).transform(r -> {
        int failedEmails = (int) emails.stream().filter(Future::failed).count();
        int failedSms = (int) texts.stream().filter(Future::failed).count();
        if (failedEmails + failedSms > 0) {
          LOG.warn("election {}: {} bureau alert message(s) of {} could not be queued", election.id(),
              failedEmails + failedSms, emails.size() + texts.size());
        }
        return Future.succeededFuture(new Sent(emails.size() - failedEmails, texts.size() - failedSms,
            failedEmails + failedSms));
      });
    }).recover(e -> {
      LOG.warn("election {}: the bureau could not be alerted (its members not read)", election.id());
      return Future.succeededFuture(new Sent(0, 0, 1));
    });
  }
}
