package fr.sesame.gateway.evidence;

import fr.sesame.channels.Attachment;
import fr.sesame.gateway.domain.Election;
import fr.sesame.gateway.staff.BureauAlerts;
import fr.sesame.gateway.notify.NotificationService;
import io.vertx.core.Future;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sealing notice (issue 16, point 1): once a seal is made, each bureau member is emailed its digest, key and
 * author, with the sealing PDF ({@link SealPdf}) attached. The PDF is rendered once per seal, then stored with
 * each bureau member's email in the outbox (encrypted, purged with the content): a few kilobytes for a handful of
 * members, so each message is self-contained and any provider of the chain, or a fallback, sends the same bytes.
 */
public final class SealNotice {
  private static final Logger LOG = LoggerFactory.getLogger(SealNotice.class);

  private SealNotice() {
  }

  /** The name the sealing PDF has in the email. */
  public static String filename(String electionId, long n) {
    return "scellement-" + electionId + "-" + n + ".pdf";
  }

  /**
   * Emails the seal's notice and PDF to the election's bureau; never fails (what cannot be sent is logged).
   * @param issuer the public URL of the gateway (the console page's link), or null
   */
  public static Future<BureauAlerts.Sent> send(SealService seals, BureauAlerts bureau, Election election, Seal seal,
                                               String issuer) {
    String where = issuer == null ? "GET /v1/admin/elections/" + election.id() + "/seals"
        : issuer.replaceAll("/+$", "") + "/console/e/" + election.id() + "/scellements/" + seal.n() + ".pdf";
    String text = "Scellement n° " + seal.n() + " de l'élection (" + seal.at() + " UTC, par " + seal.by()
        + ") : empreinte SHA-256 du manifeste " + seal.digest() + ", clé " + seal.kid()
        + ". Le procès-verbal de scellement est joint (PDF) ; il se télécharge aussi depuis la console : " + where;
    return seals.pdf(election.id(), seal.n())
        .compose(pdf -> {
          // a PDF over what an email may carry (a manifest of very many files) is not attached: the notice still
          // goes, the PDF is downloaded from the console
          boolean attach = pdf.isPresent() && pdf.get().length <= NotificationService.MAX_ATTACHMENT_BYTES;
          if (pdf.isPresent() && !attach) {
            LOG.warn("election {}: seal {}'s PDF is over {} bytes: emailed without it", election.id(), seal.n(),
                NotificationService.MAX_ATTACHMENT_BYTES);
          }
          return bureau.email(election, attach ? text : text.replace("Le procès-verbal de scellement est joint (PDF) ;"
              + " il se télécharge aussi", "Le procès-verbal de scellement (PDF) se télécharge"),
              "seal:" + election.id() + ":" + seal.n(), attach
                  ? List.of(new Attachment(filename(election.id(), seal.n()), "application/pdf", pdf.get()))
                  : List.of());
        })
        .recover(e -> {
          LOG.warn("election {}: seal {} not emailed to the bureau (its PDF not rendered)", election.id(), seal.n());
          return Future.succeededFuture(new BureauAlerts.Sent(0, 0, 1));
        });
  }
}
