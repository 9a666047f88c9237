package fr.sesame.gateway.roll;

import fr.sesame.gateway.domain.SpreadsheetSafe;
import fr.sesame.channels.ChannelKind;
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
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns the lines of one voter-roll upload, once decoded, into voters to store, or into a reason for rejecting the
 * line. One instance per upload (it remembers identifiers to find duplicates). Not thread-safe.
 *
 * <p>Columns: {@value #HEADER}, and optionally a ninth, {@value #POSTAL_COLUMN}, separated by {@code ,} or by
 * {@code ;} (what Excel saves where the decimal mark is a comma, as in France), the same separator on every line:
 * the header line tells which and whether the ninth column is there ({@link #headerOf}), never a data line, whose
 * cells may hold either. Only identifier, college and the secret are required; for a {@code BIRTH_DATE} college an
 * empty secret means the birth date is the secret. A postal address is its lines separated by {@code |} (2 to 6
 * lines of at most 38 characters, the last the postal code and town: {@link Contacts#postalAddress}).
 */
public final class RollLineParser {
  /** The column names, in order. */
  public static final List<String> COLUMNS =
      List.of("identifier", "college", "lastName", "firstName", "birthDate", "email", "phone", "secret");
  public static final String HEADER = String.join(",", COLUMNS);
  /** The optional ninth column: the voter's postal address, its lines separated by {@code |}. */
  public static final String POSTAL_COLUMN = "postalAddress";
  /** The columns of a roll that gives postal addresses. */
  public static final List<String> COLUMNS_WITH_POSTAL = java.util.stream.Stream.concat(COLUMNS.stream(),
      java.util.stream.Stream.of(POSTAL_COLUMN)).toList();
  /** What separates the lines of a postal address in its cell. */
  private static final Pattern POSTAL_LINE_BREAK = Pattern.compile("\\s*\\|\\s*");
  /** What a voter identifier may be made of. */
  public static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9._@+-]{1,128}");
  private static final Pattern NAME = Pattern.compile("[^\\p{Cntrl}]{0,100}");
  private static final char[] SEPARATORS = {',', ';'};

  /**
   * A line's result: a voter, or the reason it was rejected. {@code unreachable} is set for a voter whose line
   * gives no contact for any channel of the college (imported all the same). {@code identifier} is the line's
   * identifier when it is a valid one ({@link #IDENTIFIER}), else "" (a cell that is not an identifier may hold
   * anything, a name or a secret of a shifted line: it is never echoed).
   */
  public record Result(VoterRow row, String rejection, Unreachable unreachable, String identifier) {}

  /**
   * A voter the roll gives no contact for on any channel the college allows: no code can reach them.
   * @param identifier   the voter's identifier, as on the roll
   * @param phoneAtLogin true when the college allows SMS or voice: the voter may give a phone at login (then
   *                     claimed for them); false: login answers 422 {@code no-destination}
   */
  public record Unreachable(String identifier, boolean phoneAtLogin) {}

  private final Election election;
  private final VoterKeys keys;
  private final KeyedHasher hasher;
  private final FieldCipher cipher;
  private final char separator;
  private final boolean postal;
  private final LongSet seen = new LongSet();

  /** What a roll's header line tells: its separator, and whether it has the {@value #POSTAL_COLUMN} column. */
  public record Header(char separator, boolean postal) {
    /** How many columns each line has. */
    public int columns() {
      return postal ? COLUMNS_WITH_POSTAL.size() : COLUMNS.size();
    }
  }

  /** A parser of a roll without the postal column. @param separator the roll's separator */
  public RollLineParser(Election election, VoterKeys keys, KeyedHasher hasher, FieldCipher cipher, char separator) {
    this(election, keys, hasher, cipher, new Header(separator, false));
  }

  /** @param header what the roll's header line tells, as found by {@link #headerOf} */
  public RollLineParser(Election election, VoterKeys keys, KeyedHasher hasher, FieldCipher cipher, Header header) {
    this.election = election;
    this.keys = keys;
    this.hasher = hasher;
    this.cipher = cipher;
    this.separator = header.separator();
    this.postal = header.postal();
  }

  /**
   * Reads the header line, whose names are known: the separator is the one that splits it into exactly
   * {@link #COLUMNS}, or {@link #COLUMNS_WITH_POSTAL} (names may be quoted, or padded with spaces).
   * @param header the header line's text, without a byte-order mark
   * @return the separator and the columns, or empty when the line is not the header
   */
  public static Optional<Header> headerOf(String header) {
    for (char separator : SEPARATORS) {
      Optional<List<String>> cells = Optional.ofNullable(CsvLine.cells(header.strip(), separator));
      if (cells.isPresent()) {
        List<String> names = cells.get().stream().map(String::strip).toList();
        if (names.equals(COLUMNS) || names.equals(COLUMNS_WITH_POSTAL)) {
          return Optional.of(new Header(separator, names.size() == COLUMNS_WITH_POSTAL.size()));
        }
      }
    }
    return Optional.empty();
  }

  /** The separator {@link #headerOf} finds. */
  public static Optional<Character> separatorOf(String header) {
    return headerOf(header).map(Header::separator);
  }

  /**
   * A roll's postal address cell: its lines separated by {@code |} (spaces around it ignored).
   * @return the address as {@link Contacts#postalAddress} gives it (lines joined by newlines), empty when invalid
   */
  public static Optional<String> postalAddress(String cell) {
    if (cell.indexOf('\n') >= 0 || cell.indexOf('\r') >= 0) {
      return Optional.empty(); // a quoted cell may hold a line break: the roll's form is one line, with |
    }
    return Contacts.postalAddress(String.join("\n", POSTAL_LINE_BREAK.split(cell.strip(), -1)));
  }

  /** @return null for a blank line (skipped), else the voter or the rejection */
  public Result parse(String line) {
    String s = line;
    if (s.endsWith("\r")) {
      s = s.substring(0, s.length() - 1);
    }
    if (s.isBlank()) {
      return null;
    }
    List<String> f = CsvLine.cells(s, separator);
    if (f == null) {
      return reject("", "malformed CSV line");
    }
    String identifier = f.get(0).strip();
    boolean validIdentifier = IDENTIFIER.matcher(identifier).matches();
    int columns = postal ? COLUMNS_WITH_POSTAL.size() : COLUMNS.size();
    if (f.size() != columns) {
      return reject(validIdentifier ? identifier : "", "expected " + columns + " columns, found " + f.size());
    }
    if (!validIdentifier) {
      return reject("", "bad identifier (1 to 128 of A-Z a-z 0-9 . _ @ + -)");
    }
    Optional<College> college = election.college(f.get(1).strip());
    if (college.isEmpty()) {
      // the only cell a rejection echoes: neutralised, as reports end up in spreadsheets
      return reject(identifier, "unknown college '" + SpreadsheetSafe.text(truncate(f.get(1).strip())) + "'");
    }
    String lastName = f.get(2).strip();
    String firstName = f.get(3).strip();
    if (!NAME.matcher(lastName).matches() || !NAME.matcher(firstName).matches()) {
      return reject(identifier, "bad name (at most 100 characters, no control characters)");
    }
    String birthDate = "";
    if (!f.get(4).isBlank()) {
      Optional<java.time.LocalDate> d = SecretKind.parseDate(f.get(4).strip());
      if (d.isEmpty()) {
        return reject(identifier, "bad birth date (yyyy-MM-dd or dd/MM/yyyy)");
      }
      birthDate = d.get().toString();
    }
    String email = "";
    if (!f.get(5).isBlank()) {
      Optional<String> e = Contacts.email(f.get(5));
      if (e.isEmpty()) {
        return reject(identifier, "bad email");
      }
      email = e.get();
    }
    String phone = "";
    if (!f.get(6).isBlank()) {
      Optional<com.google.i18n.phonenumbers.Phonenumber.PhoneNumber> p = Contacts.parsedPhone(f.get(6), "FR");
      var verdict = p.isEmpty() ? fr.sesame.ratelimit.fraud.PhoneRules.Verdict.INVALID
          : fr.sesame.ratelimit.fraud.PhoneRules.checkParsed(p.get(), election.phoneRegions(),
              fr.sesame.ratelimit.fraud.PhoneRules.Use.ANY);
      if (verdict == fr.sesame.ratelimit.fraud.PhoneRules.Verdict.INVALID) {
        return reject(identifier, "bad phone");
      }
      if (verdict != fr.sesame.ratelimit.fraud.PhoneRules.Verdict.OK) {
        return reject(identifier, "phone refused: " + verdict.reason());
      }
      phone = Contacts.e164(p.get());
    }
    SecretKind kind = college.get().secretKind();
    String rawSecret = f.get(7).isBlank() && kind == SecretKind.BIRTH_DATE ? birthDate : f.get(7);
    Optional<String> secret = kind.validate(rawSecret);
    if (secret.isEmpty()) {
      return reject(identifier, "secret does not match the college's kind " + kind);
    }
    String address = "";
    if (postal && !f.get(8).isBlank()) {
      Optional<String> a = postalAddress(f.get(8));
      if (a.isEmpty()) {
        return reject(identifier, "bad postal address (2 to 6 lines separated by |, each at most 38 characters, "
            + "the last the postal code and town, e.g. 12 rue de la Paix | 75002 Paris)");
      }
      address = a.get();
    }
    VoterKey voter = keys.of(election.id(), identifier);
    if (!seen.add(ByteBuffer.wrap(Base64.getUrlDecoder().decode(voter.pseudonym())).getLong())) {
      return reject(identifier, "duplicate identifier in this roll");
    }
    String identity = new JsonObject().put("i", identifier).put("l", lastName).put("f", firstName)
        .put("b", birthDate).encode();
    return new Result(new VoterRow(voter, college.get().id(),
        hasher.hashText(HashPurpose.SECRET, election.id(), identifier, secret.get()),
        cipher.encrypt(identity, CipherContext.voter(voter.pseudonym(), VoterField.IDENTITY)),
        email.isEmpty() ? "" : cipher.encrypt(email, CipherContext.voter(voter.pseudonym(), VoterField.EMAIL)),
        phone.isEmpty() ? "" : cipher.encrypt(phone, CipherContext.voter(voter.pseudonym(), VoterField.PHONE)),
        address.isEmpty() ? "" : cipher.encrypt(address, CipherContext.voter(voter.pseudonym(),
            VoterField.POSTAL_ADDRESS))), null,
        reachable(college.get(), email, phone) ? null : new Unreachable(identifier,
            college.get().otpChannels().stream().anyMatch(ChannelKind::usesPhone)), identifier);
  }

  /** @return true when the line gives a contact for one of the college's channels at least */
  private static boolean reachable(College college, String email, String phone) {
    return college.otpChannels().stream().anyMatch(channel -> channel == ChannelKind.EMAIL ? !email.isEmpty()
        : channel.usesPhone() && !phone.isEmpty());
  }

  private static Result reject(String identifier, String reason) {
    return new Result(null, reason, null, identifier);
  }

  private static String truncate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }
}
