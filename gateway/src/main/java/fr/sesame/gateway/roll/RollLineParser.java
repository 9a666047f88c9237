package fr.sesame.gateway.roll;

import fr.sesame.gateway.crypto.HashPurpose;
import fr.sesame.gateway.domain.Contacts;
import fr.sesame.gateway.domain.VoterKey;
import fr.sesame.gateway.auth.VoterKeys;
import fr.sesame.gateway.crypto.CipherContext;
import fr.sesame.gateway.crypto.CipherContext.VoterField;
import fr.sesame.gateway.crypto.FieldCipher;
import fr.sesame.gateway.crypto.KeyedHasher;
import fr.sesame.gateway.domain.College;
import fr.sesame.gateway.domain.Election;
import fr.sesame.gateway.domain.SecretKind;
import fr.sesame.gateway.store.VoterStore.VoterRow;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * Turns the lines of one voter-roll upload into voters to store, or into a reason for rejecting the line.
 * One instance per upload (it remembers identifiers to find duplicates). Not thread-safe.
 *
 * <p>Columns: {@value #HEADER}. Only identifier, college and the secret are required; for a
 * {@code BIRTH_DATE} college an empty secret means the birth date is the secret.
 */
public final class RollLineParser {
  public static final String HEADER = "identifier,college,lastName,firstName,birthDate,email,phone,secret";
  /** What a voter identifier may be made of. */
  public static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9._@+-]{1,128}");
  private static final Pattern NAME = Pattern.compile("[^\\p{Cntrl}]{0,100}");
  private static final CSVFormat CSV = CSVFormat.RFC4180.builder().get();

  /** A line's result: a voter, or the reason it was rejected. */
  public record Result(VoterRow row, String rejection) {}

  private final Election election;
  private final VoterKeys keys;
  private final KeyedHasher hasher;
  private final FieldCipher cipher;
  private final LongSet seen = new LongSet();

  public RollLineParser(Election election, VoterKeys keys, KeyedHasher hasher, FieldCipher cipher) {
    this.election = election;
    this.keys = keys;
    this.hasher = hasher;
    this.cipher = cipher;
  }

  /** @return true when the header line is the expected one (a UTF-8 byte-order mark is allowed) */
  public static boolean isHeader(byte[] line) {
    String s = decode(line).orElse("");
    if (s.startsWith("\uFEFF")) {
      s = s.substring(1);
    }
    return s.strip().equals(HEADER);
  }

  /** @return null for a blank line (skipped), else the voter or the rejection */
  public Result parse(byte[] line) {
    Optional<String> text = decode(line);
    if (text.isEmpty()) {
      return reject("not valid UTF-8");
    }
    String s = text.get();
    if (s.endsWith("\r")) {
      s = s.substring(0, s.length() - 1);
    }
    if (s.isBlank()) {
      return null;
    }
    List<String> f;
    try (var parser = CSV.parse(new StringReader(s))) {
      List<CSVRecord> records = parser.getRecords();
      if (records.size() != 1) {
        return reject("malformed CSV line");
      }
      f = records.get(0).toList();
    } catch (IOException | java.io.UncheckedIOException | IllegalStateException e) {
      return reject("malformed CSV line");
    }
    if (f.size() != 8) {
      return reject("expected 8 columns, found " + f.size());
    }
    String identifier = f.get(0).strip();
    if (!IDENTIFIER.matcher(identifier).matches()) {
      return reject("bad identifier (1 to 128 of A-Z a-z 0-9 . _ @ + -)");
    }
    Optional<College> college = election.college(f.get(1).strip());
    if (college.isEmpty()) {
      return reject("unknown college '" + truncate(f.get(1).strip()) + "'");
    }
    String lastName = f.get(2).strip();
    String firstName = f.get(3).strip();
    if (!NAME.matcher(lastName).matches() || !NAME.matcher(firstName).matches()) {
      return reject("bad name (at most 100 characters, no control characters)");
    }
    String birthDate = "";
    if (!f.get(4).isBlank()) {
      Optional<java.time.LocalDate> d = SecretKind.parseDate(f.get(4).strip());
      if (d.isEmpty()) {
        return reject("bad birth date (yyyy-MM-dd or dd/MM/yyyy)");
      }
      birthDate = d.get().toString();
    }
    String email = "";
    if (!f.get(5).isBlank()) {
      Optional<String> e = Contacts.email(f.get(5));
      if (e.isEmpty()) {
        return reject("bad email");
      }
      email = e.get();
    }
    String phone = "";
    if (!f.get(6).isBlank()) {
      Optional<String> p = Contacts.phone(f.get(6), "FR");
      if (p.isEmpty()) {
        return reject("bad phone");
      }
      var verdict = fr.sesame.ratelimit.fraud.PhoneRules.check(p.get(), election.phoneRegions(),
          fr.sesame.ratelimit.fraud.PhoneRules.Use.ANY);
      if (verdict != fr.sesame.ratelimit.fraud.PhoneRules.Verdict.OK) {
        return reject("phone refused: " + verdict.reason());
      }
      phone = p.get();
    }
    SecretKind kind = college.get().secretKind();
    String rawSecret = f.get(7).isBlank() && kind == SecretKind.BIRTH_DATE ? birthDate : f.get(7);
    Optional<String> secret = kind.validate(rawSecret);
    if (secret.isEmpty()) {
      return reject("secret does not match the college's kind " + kind);
    }
    VoterKey voter = keys.of(election.id(), identifier);
    if (!seen.add(ByteBuffer.wrap(Base64.getUrlDecoder().decode(voter.pseudonym())).getLong())) {
      return reject("duplicate identifier in this roll");
    }
    String identity = new JsonObject().put("i", identifier).put("l", lastName).put("f", firstName)
        .put("b", birthDate).encode();
    return new Result(new VoterRow(voter, college.get().id(),
        hasher.hashText(HashPurpose.SECRET, election.id(), identifier, secret.get()),
        cipher.encrypt(identity, CipherContext.voter(voter.pseudonym(), VoterField.IDENTITY)),
        email.isEmpty() ? "" : cipher.encrypt(email, CipherContext.voter(voter.pseudonym(), VoterField.EMAIL)),
        phone.isEmpty() ? "" : cipher.encrypt(phone, CipherContext.voter(voter.pseudonym(), VoterField.PHONE))), null);
  }

  private static Result reject(String reason) {
    return new Result(null, reason);
  }

  private static String truncate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }

  private static Optional<String> decode(byte[] bytes) {
    try {
      return Optional.of(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }
}
