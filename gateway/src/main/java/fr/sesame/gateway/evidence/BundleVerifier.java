package fr.sesame.gateway.evidence;

import fr.sesame.gateway.audit.ChainAnchor;
import fr.sesame.gateway.crypto.EvidenceKey;
import io.vertx.core.json.JsonObject;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Verifies an evidence bundle ({@link EvidenceBundle}) offline, with public keys only: the manifest's signature
 * and digest, each checkpoint's signature and link to the one before, every audit chain (an altered, removed,
 * reordered or inserted event), the chains against the checkpoints, each seal's signature and manifest digest
 * (a swapped or altered manifest), and the émargement list against the
 * émargement events (each émargement has its event, and each event its émargement). Reads the file once, keeping
 * per writer only its tip and recent events, and the émargements.
 */
public final class BundleVerifier {
  /** What the expert trusts and expects: a key's fingerprint, or the key itself, and the election; each optional. */
  public record Options(String trustedKid, PublicKey trustedKey, String election) {
    public static final Options NONE = new Options(null, null, null);
  }

  /** VALID (exit 0), INVALID (1), UNUSABLE: not a bundle, or unreadable (2). */
  public enum Status {
    VALID(0), INVALID(1), UNUSABLE(2);
    public final int exit;

    Status(int exit) {
      this.exit = exit;
    }
  }

  /** The verdict: a summary line, notes (e.g. no trusted key given), and every problem found. */
  public record Report(Status status, String summary, List<String> notes, List<String> problems) {
    /** What {@code verify-bundle} prints. */
    public String text() {
      StringBuilder b = new StringBuilder();
      if (summary != null) {
        b.append(summary).append('\n');
      }
      notes.forEach(n -> b.append("note: ").append(n).append('\n'));
      int shown = 0;
      for (String p : problems) {
        if (shown++ == MAX_SHOWN) {
          b.append("... and ").append(problems.size() - MAX_SHOWN).append(" more problems\n");
          break;
        }
        b.append(status == Status.UNUSABLE ? "unusable: " : "problem: ").append(p).append('\n');
      }
      b.append(switch (status) {
        case VALID -> "valid";
        case INVALID -> "invalid (" + problems.size() + (problems.size() == 1 ? " problem)" : " problems)");
        case UNUSABLE -> "unusable input";
      }).append('\n');
      return b.toString();
    }
  }

  private static final int MAX_SHOWN = 200;
  private static final int RECENT = 1000;

  private BundleVerifier() {}

  public static Report verify(InputStream input, Options options) throws IOException {
    return new Run(options).run(new BufferedInputStream(input, 1 << 16));
  }

  private static Report unusable(String why) {
    return new Report(Status.UNUSABLE, null, List.of(), List.of(why));
  }

  /** One writer's chain as read so far. */
  private static final class Tip {
    long seq;
    String hash = "";
    final List<String> alternates = new ArrayList<>(); // other events with the tip's sequence number (inserted)
    final TreeSet<Long> missing = new TreeSet<>();
    final Map<Long, String> recentIds = new LinkedHashMap<>(16, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Long, String> eldest) {
        return size() > RECENT;
      }
    };
  }

  /** A checkpoint's claim about one event. */
  private record Expected(String hash, String label) {}

  private static final class Run {
    final Options options;
    final List<String> problems = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    final MessageDigest sha;
    String election;
    String kid;
    PublicKey key;
    long lineNo;
    long events;
    long checkpointCount;
    long emargementCount;
    long seals;
    long reports;
    String created;
    Checkpoint lastCheckpoint;
    String lastCheckpointLine;
    String lastEventId;
    Instant emargementsFrom;
    final Map<String, Tip> tips = new HashMap<>();
    final Map<String, Map<Long, Expected>> expected = new HashMap<>();
    final Map<String, ChainAnchor.Head> latestCounts = new TreeMap<>();
    final Map<String, String> latestLabel = new HashMap<>();
    /** voter|session -> matched by an audit event */
    final Map<String, Boolean> emargements = new LinkedHashMap<>();

    Run(Options options) {
      this.options = options;
      try {
        sha = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    Report run(InputStream in) throws IOException {
      byte[] first = readLine(in);
      if (first == null || first.length == 0) {
        return unusable("the file is empty: not an evidence bundle");
      }
      Report bad = header(first);
      if (bad != null) {
        return bad;
      }
      sha.update(first);
      sha.update((byte) '\n');
      lineNo = 1;
      byte[] previous = null;
      boolean endsWithNewline = true;
      for (byte[] line; (line = readLine(in)) != null; ) {
        if (previous != null) {
          content(previous);
        }
        previous = line;
        endsWithNewline = lastEndedWithNewline;
      }
      if (previous == null || !endsWithNewline) {
        truncated();
      } else {
        manifest(new String(previous, StandardCharsets.UTF_8));
      }
      finish();
      String summary = "bundle of election " + election + ", created " + created + ", key " + kid + ": " + events
          + " events, " + checkpointCount + " checkpoints, " + emargementCount + " émargements, " + seals + " seals"
          + (reports > 0 ? ", " + reports + " integrity reports" : "");
      return new Report(problems.isEmpty() ? Status.VALID : Status.INVALID, summary, notes, problems);
    }

    private boolean lastEndedWithNewline;

    /** The next line's bytes without its newline, or null at the end. */
    private byte[] readLine(InputStream in) throws IOException {
      ByteArrayOutputStream out = new ByteArrayOutputStream(512);
      int b;
      while ((b = in.read()) != -1) {
        if (b == '\n') {
          lastEndedWithNewline = true;
          return out.toByteArray();
        }
        out.write(b);
      }
      lastEndedWithNewline = false;
      return out.size() == 0 ? null : out.toByteArray();
    }

    private Report header(byte[] bytes) {
      JsonObject h;
      try {
        h = new JsonObject(new String(bytes, StandardCharsets.UTF_8));
      } catch (RuntimeException e) {
        return unusable("the first line is not JSON: not an evidence bundle");
      }
      if (!"bundle".equals(h.getString("kind")) || !EvidenceBundle.FORMAT.equals(h.getString("format"))) {
        return unusable("the first line is not an evidence bundle's header (format " + EvidenceBundle.FORMAT + ")");
      }
      if (!Integer.valueOf(EvidenceBundle.VERSION).equals(h.getInteger("version"))) {
        return unusable("bundle version " + h.getValue("version") + " is not supported (this verifier reads version "
            + EvidenceBundle.VERSION + ")");
      }
      String kidGiven;
      try {
        election = h.getString("el");
        created = h.getString("created");
        JsonObject k = h.getJsonObject("key");
        kidGiven = k.getString("kid");
        key = EvidenceKey.publicKey(k.getString("publicKey"));
      } catch (RuntimeException e) {
        return unusable("the header has no election or no Ed25519 public key");
      }
      if (election == null) {
        return unusable("the header names no election");
      }
      kid = EvidenceKey.fingerprint(key);
      if (!kid.equals(kidGiven)) {
        problems.add("the header's key id " + kidGiven + " is not the fingerprint of its public key (" + kid + ")");
      }
      String trusted = options.trustedKey() != null ? EvidenceKey.fingerprint(options.trustedKey())
          : options.trustedKid() != null ? EvidenceKey.normalizeFingerprint(options.trustedKid()) : null;
      if (trusted == null) {
        notes.add("no trusted key given (--key FINGERPRINT or --key-file FILE): the signatures were checked against "
            + "the key the bundle carries, " + kid + "; anyone can make a bundle with a key of their own, so compare "
            + "this fingerprint with the gateway's (GET /v1/admin/evidence/key)");
      } else if (!trusted.equals(kid)) {
        problems.add("the bundle is signed by key " + kid + ", not by the trusted key " + trusted);
      }
      if (options.election() != null && !options.election().equals(election)) {
        problems.add("the bundle is of election " + election + ", not of election " + options.election());
      }
      return null;
    }

    private void content(byte[] bytes) {
      lineNo++;
      sha.update(bytes);
      sha.update((byte) '\n');
      String line = new String(bytes, StandardCharsets.UTF_8);
      String kind;
      JsonObject j;
      try {
        j = new JsonObject(line);
        kind = String.valueOf(j.getValue("kind", ""));
      } catch (RuntimeException e) {
        problems.add("line " + lineNo + " is not JSON");
        return;
      }
      try {
        switch (kind) {
          case "checkpoint" -> checkpoint(line);
          case "emargements" -> emargementsFrom = instant(j.getString("from"));
          case "emargement" -> emargement(j);
          case "event" -> event(j, line);
          case "seal" -> seal(line);
          case "integrity-report" -> report(line);
          case "manifest" -> problems.add("line " + lineNo + " is a manifest before the end: lines were added after "
              + "it, or bundles were joined");
          default -> problems.add("line " + lineNo + " is of an unknown kind \"" + kind + "\"");
        }
      } catch (RuntimeException e) { // a field of the wrong type
        problems.add("line " + lineNo + " (" + kind + ") is malformed: a field is missing or of the wrong type");
      }
    }

    private void checkpoint(String line) {
      checkpointCount++;
      Checkpoint c;
      try {
        c = Checkpoint.parse(line);
      } catch (IllegalArgumentException e) {
        problems.add("line " + lineNo + ": an unreadable checkpoint");
        return;
      }
      if (!election.equals(c.election())) {
        problems.add(c.label() + " is of election " + c.election() + ", not " + election);
      }
      if (!kid.equals(c.kid())) {
        problems.add(c.label() + " is signed by key " + c.kid() + ", not by the bundle's key " + kid);
      } else if (!c.verifies(key)) {
        problems.add(c.label() + " has an invalid signature: it was altered");
      }
      if (lastCheckpoint == null) {
        if (c.n() != 1 || !c.prev().isEmpty()) {
          problems.add((c.n() == 2 ? "checkpoint 1 is" : "checkpoints 1 to " + (c.n() - 1) + " are")
              + " missing before " + c.label());
        }
      } else if (c.n() != lastCheckpoint.n() + 1 || !c.prev().equals(Checkpoint.sha256(lastCheckpointLine))) {
        problems.add(c.label() + " does not follow " + lastCheckpoint.label()
            + ": checkpoints were removed, reordered or altered");
      }
      lastCheckpoint = c;
      lastCheckpointLine = line;
      for (Map.Entry<String, ChainAnchor.Head> w : c.writers().entrySet()) {
        Map<Long, Expected> byCount = expected.computeIfAbsent(w.getKey(), k -> new HashMap<>());
        Expected before = byCount.putIfAbsent(w.getValue().count(), new Expected(w.getValue().hash(), c.label()));
        if (before != null && !before.hash().equals(w.getValue().hash())) {
          problems.add(c.label() + " and " + before.label() + " disagree on writer " + w.getKey() + "'s event #"
              + w.getValue().count());
        }
        ChainAnchor.Head latest = latestCounts.get(w.getKey());
        if (latest == null || latest.count() <= w.getValue().count()) {
          latestCounts.put(w.getKey(), w.getValue());
          latestLabel.put(w.getKey(), c.label());
        }
      }
    }

    private void seal(String line) {
      seals++;
      Seal s;
      try {
        s = Seal.parse(line);
      } catch (IllegalArgumentException e) {
        problems.add("line " + lineNo + ": an unreadable seal");
        return;
      }
      if (!election.equals(s.election())) {
        problems.add(s.label() + " is of election " + s.election() + ", not " + election);
      }
      if (!kid.equals(s.kid())) {
        problems.add(s.label() + " is signed by key " + s.kid() + ", not by the bundle's key " + kid);
      } else if (!s.digestMatches()) {
        problems.add(s.label() + ": its manifest does not match the digest it was sealed with: the manifest was "
            + "altered");
      } else if (!s.verifies(key)) {
        problems.add(s.label() + " has an invalid signature: its manifest was swapped or the seal altered");
      }
    }

    private void report(String line) {
      reports++;
      IntegrityReport r;
      try {
        r = IntegrityReport.parse(line);
      } catch (IllegalArgumentException e) {
        problems.add("line " + lineNo + ": an unreadable integrity report");
        return;
      }
      String label = "integrity report " + r.n() + " of " + r.at();
      if (!election.equals(r.election())) {
        problems.add(label + " is of election " + r.election() + ", not " + election);
      }
      if (!kid.equals(r.kid())) {
        problems.add(label + " is signed by key " + r.kid() + ", not by the bundle's key " + kid);
      } else if (!r.verifies(key)) {
        problems.add(label + " has an invalid signature: it was altered");
      }
    }

    private void emargement(JsonObject j) {
      emargementCount++;
      if (!(j.getValue("voter") instanceof String) || !(j.getValue("sessionId") instanceof String)) {
        throw new IllegalArgumentException("voter and sessionId must be strings");
      }
      String k = j.getString("voter") + "|" + j.getString("sessionId");
      if (emargements.put(k, Boolean.FALSE) != null) {
        problems.add("the émargement of voter " + j.getString("voter") + " (session " + j.getString("sessionId")
            + ") appears twice");
      }
    }

    private void event(JsonObject j, String line) {
      events++;
      String id = j.getString("id", "?");
      String hash = j.getString("hash", "");
      int at = line.indexOf(",\"event\":");
      if (at < 0 || !line.endsWith("}")) {
        problems.add("event " + id + " (line " + lineNo + ") has no event text");
        return;
      }
      String text = line.substring(at + ",\"event\":".length(), line.length() - 1);
      if (lastEventId != null && compareIds(id, lastEventId) <= 0) {
        problems.add("event " + id + " comes after event " + lastEventId + " in the file: the events were reordered");
      }
      lastEventId = id;
      JsonObject e;
      try {
        e = new JsonObject(text);
      } catch (RuntimeException ex) {
        problems.add("event " + id + " is not JSON");
        return;
      }
      String writer = e.getString("w", "");
      long seq = e.getLong("n", 0L);
      String where = "event " + id + " (writer " + writer + ", #" + seq + ")";
      if (!Checkpoint.sha256(text).equals(hash)) {
        problems.add(where + " was altered: its text does not match its hash");
      }
      if (!election.equals(e.getString("el"))) {
        problems.add(where + " belongs to election " + e.getString("el") + ", not " + election);
      }
      chain(where, id, writer, seq, e.getString("prev", ""), hash);
      Map<Long, Expected> byCount = expected.get(writer);
      Expected x = byCount == null ? null : byCount.get(seq);
      if (x != null && !x.hash().equals(hash)) {
        problems.add(where + " does not match " + x.label() + ": the chain was rewritten");
      }
      if ("emargement".equals(e.getString("type"))
          && ("recorded".equals(e.getString("outcome")) || "repeated".equals(e.getString("outcome")))) {
        JsonObject d = e.getJsonObject("d", new JsonObject());
        String k = d.getString("voter", "") + "|" + d.getString("session", "");
        if (emargements.containsKey(k)) {
          emargements.put(k, Boolean.TRUE);
        } else {
          Instant t = instant(e.getString("t"));
          if (emargementsFrom == null || t == null || !t.isAfter(emargementsFrom)) {
            problems.add(where + " records the émargement of voter " + d.getString("voter") + " (session "
                + d.getString("session") + "), which is not in the émargement list");
          }
          // later events: votes recorded while the list was being read, after it
        }
      }
    }

    private void chain(String where, String id, String writer, long seq, String prev, String hash) {
      Tip tip = tips.computeIfAbsent(writer, k -> new Tip());
      if (seq == tip.seq + 1) {
        if (!prev.equals(tip.hash) && !tip.alternates.contains(prev)) {
          problems.add(where + " does not link to #" + tip.seq + " of its chain: one of them was altered or replaced");
        }
      } else if (seq > tip.seq + 1) {
        for (long s = tip.seq + 1; s < seq; s++) {
          tip.missing.add(s);
        }
      } else if (tip.missing.remove(seq)) {
        problems.add(where + " is out of order: it comes after #" + tip.seq + " of its chain");
        tip.recentIds.put(seq, id);
        return;
      } else {
        String other = tip.recentIds.get(seq);
        problems.add("writer " + writer + " has two events #" + seq + " (" + (other == null ? "an earlier one" : other)
            + " and " + id + "): an event was inserted");
        if (seq == tip.seq) {
          tip.alternates.add(hash);
        }
        return;
      }
      tip.alternates.clear();
      tip.seq = seq;
      tip.hash = hash;
      tip.recentIds.put(seq, id);
    }

    private boolean cut;

    private void truncated() {
      cut = true;
      notes.add("the bundle is cut short: what its lost part held is not checked (the chains' ends against the "
          + "checkpoints, the émargements' events)");
      problems.add("the bundle is truncated: it does not end with its signed manifest (the file was cut short)");
    }

    private void manifest(String line) {
      Manifest m;
      try {
        m = Manifest.parse(line);
      } catch (IllegalArgumentException e) {
        if (line.startsWith("{\"kind\":\"manifest\"") && line.endsWith("}")) {
          problems.add("the manifest (the last line) is malformed: a field is missing or of the wrong type");
        } else {
          truncated();
        }
        return;
      }
      if (!election.equals(m.election())) {
        problems.add("the manifest is of election " + m.election() + ", not " + election
            + " (the header's): it was swapped");
      }
      if (!kid.equals(m.kid())) {
        problems.add("the manifest is signed by key " + m.kid() + ", not by the bundle's key " + kid);
      } else if (!m.verifies(key)) {
        problems.add("the manifest's signature is invalid: the manifest was altered or swapped");
      }
      String digest = HexFormat.of().formatHex(sha.digest());
      if (m.lines() != lineNo) {
        problems.add("the bundle has " + lineNo + " lines before its manifest, which signs " + m.lines()
            + ": lines were added or removed");
      } else if (!m.sha256().equals(digest)) {
        problems.add("the bundle's lines do not match the digest its manifest signs: they were altered after export");
      }
      if (m.events() != events || m.checkpoints() != checkpointCount || m.emargements() != emargementCount
          || m.seals() != seals || m.reports() != reports) {
        problems.add("the manifest counts " + m.events() + " events, " + m.checkpoints() + " checkpoints, "
            + m.emargements() + " émargements, " + m.seals() + " seals and " + m.reports() + " integrity reports; "
            + "the bundle holds " + events + ", " + checkpointCount + ", " + emargementCount + ", " + seals + " and "
            + reports);
      }
    }

    private void finish() {
      if (cut) {
        return; // the chains' ends and the émargements' events were in the part lost
      }
      for (Map.Entry<String, Tip> t : tips.entrySet()) {
        for (long s : t.getValue().missing) {
          problems.add("writer " + t.getKey() + "'s event #" + s + " is missing: it was removed");
        }
      }
      for (Map.Entry<String, ChainAnchor.Head> c : latestCounts.entrySet()) {
        Tip tip = tips.get(c.getKey());
        long seen = tip == null ? 0 : tip.seq;
        if (seen < c.getValue().count()) {
          problems.add("writer " + c.getKey() + "'s chain ends at #" + seen + ", but " + latestLabel.get(c.getKey())
              + " counted " + c.getValue().count() + ": events were removed");
        }
      }
      for (Map.Entry<String, Boolean> e : emargements.entrySet()) {
        if (!e.getValue()) {
          String[] vs = e.getKey().split("\\|", 2);
          problems.add("the émargement of voter " + vs[0] + " (session " + vs[1] + ") has no audit event");
        }
      }
    }

    private static Instant instant(String text) {
      try {
        return text == null ? null : Instant.parse(text);
      } catch (RuntimeException e) {
        return null;
      }
    }

    /** Redis stream ids: MS-SEQ. */
    private static int compareIds(String a, String b) {
      try {
        String[] x = a.split("-");
        String[] y = b.split("-");
        int c = Long.compare(Long.parseLong(x[0]), Long.parseLong(y[0]));
        return c != 0 ? c : Long.compare(Long.parseLong(x[1]), Long.parseLong(y[1]));
      } catch (RuntimeException e) {
        return a.compareTo(b);
      }
    }
  }
}
