package fr.sesame.gateway.evidence;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * An integrity report for the bureau members (in French): which check (start, end, on demand), when, against which
 * seal, each check's result, every problem found, the key id and the signature of the report's JSON line (which the
 * PDF shows in full, so that the PDF's claims are checked against the signed line). Blocking: render it off the
 * event loop.
 */
public final class IntegrityPdf {

  private IntegrityPdf() {}

  private static String title(String check) {
    return switch (check) {
      case "start" -> "Contrôle d'intégrité de début de scrutin";
      case "end" -> "Contrôle d'intégrité de fin de scrutin";
      default -> "Contrôle d'intégrité à la demande";
    };
  }

  public static byte[] render(IntegrityReport r, String electionName) {
    List<String[]> lines = new ArrayList<>();
    lines.add(new String[] {"h", title(r.check()) + " (rapport n° " + r.n() + ")"});
    lines.add(new String[] {"", "Élection : " + electionName + " (" + r.election() + ")"});
    lines.add(new String[] {"", "Contrôlée le : " + r.at() + " (UTC), par : " + r.by() + ", contre le scellement n° "
        + r.seal()});
    lines.add(new String[] {"b", r.valid() ? "Résultat : conforme (aucune anomalie)"
        : "Résultat : NON CONFORME (" + r.problems().size() + " anomalie(s))"});
    for (String c : IntegrityReport.CHECKS) {
      JsonObject x = r.results().getJsonObject(c);
      if (x != null) {
        lines.add(new String[] {"", (x.getBoolean("ok", false) ? "[OK] " : "[ANOMALIE] ") + c + " : "
            + x.getString("detail", "")});
      }
    }
    if (!r.problems().isEmpty()) {
      lines.add(new String[] {"b", "Anomalies"});
      for (int i = 0; i < r.problems().size(); i++) {
        JsonObject p = r.problems().getJsonObject(i);
        lines.add(new String[] {"", p.getString("check") + " : " + p.getString("text")});
      }
    }
    lines.add(new String[] {"b", "Signature"});
    lines.add(new String[] {"", "Clé (Ed25519), empreinte : " + r.kid()});
    lines.add(new String[] {"", "Signature (base64) de la ligne JSON ci-dessous sans son champ sig :"});
    lines.add(new String[] {"", r.sig()});
    lines.add(new String[] {"", "Ligne signée (GET /v1/admin/elections/" + r.election() + "/integrity/reports) :"});
    lines.add(new String[] {"", r.signedText()});
    return LinesPdf.render(lines);
  }
}
