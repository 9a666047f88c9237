package fr.sesame.gateway.evidence;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The sealing report for the bureau members (in French): the seal's number, time, author, key id, the manifest's
 * digest and signature, and the manifest's digests (the code, each library, package, script and template, the
 * configuration, the definition, the roll). Blocking: render it off the event loop.
 */
public final class SealPdf {

  private SealPdf() {}

  /** The PDF's bytes. */
  public static byte[] render(Seal seal, String electionName) {
    List<String[]> lines = new ArrayList<>(); // {style, text}: "h" heading, "b" bold, "" regular
    lines.add(new String[] {"h", "Procès-verbal de scellement n° " + seal.n()});
    lines.add(new String[] {"", "Élection : " + electionName + " (" + seal.election() + ")"});
    lines.add(new String[] {"", "Scellée le : " + seal.at() + " (UTC), par : " + seal.by()});
    lines.add(new String[] {"", "Clé de scellement (Ed25519), empreinte :"});
    lines.add(new String[] {"", seal.kid()});
    lines.add(new String[] {"", "Empreinte SHA-256 du manifeste (JSON canonique) :"});
    lines.add(new String[] {"", seal.digest()});
    lines.add(new String[] {"", "Signature (base64) :"});
    lines.add(new String[] {"", seal.sig()});
    lines.add(new String[] {"", "Vérification : java -jar sesame-gateway.jar verify-bundle (le scellement figure dans le "
        + "dossier de preuves) ; docs/design.md, « Seal »."});
    JsonObject m = seal.manifest();
    JsonObject code = m.getJsonObject("code", new JsonObject());
    lines.add(new String[] {"b", "Code en service"});
    lines.add(new String[] {"", "Source : " + code.getString("source") + " " + code.getString("name") + ", SHA-256 :"});
    lines.add(new String[] {"", code.getString("sha256")});
    if (code.getString("note") != null) {
      lines.add(new String[] {"", code.getString("note")});
    }
    section(lines, "Bibliothèques", code.getJsonObject("libraries"));
    section(lines, "Paquets (entrées regroupées)", code.getJsonObject("packages"));
    section(lines, "Scripts Lua", code.getJsonObject("scripts"));
    section(lines, "Modèles de pages", code.getJsonObject("templates"));
    lines.add(new String[] {"b", "Configuration, définition, liste"});
    lines.add(new String[] {"", "Configuration (secrets en empreinte à clé), SHA-256 : "
        + Checkpoint.sha256(m.getJsonObject("configuration", new JsonObject()).encode())});
    lines.add(new String[] {"", "Définition de l'élection, SHA-256 : "
        + Checkpoint.sha256(m.getJsonObject("election", new JsonObject()).encode())});
    JsonObject roll = m.getJsonObject("roll", new JsonObject());
    lines.add(new String[] {"", "Liste électorale : " + roll.getLong("count") + " électeurs, empreinte :"});
    lines.add(new String[] {"", roll.getString("sum")});
    return LinesPdf.render(lines);
  }

  private static void section(List<String[]> lines, String title, JsonObject digests) {
    if (digests == null || digests.isEmpty()) {
      return;
    }
    lines.add(new String[] {"b", title + " (" + digests.size() + ")"});
    for (Map.Entry<String, Object> e : digests) {
      lines.add(new String[] {"", e.getValue() + "  " + e.getKey()});
    }
  }
}
