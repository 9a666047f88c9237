package fr.sesame.loadtests.env;

import fr.sesame.ratelimit.fraud.PhoneRules;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The load tests' voters: voter {@code i} is the same in the roll and in the simulations, so a roll of any
 * size is generated, not stored. Phones spread evenly over the French mobile blocks of 10,000 numbers
 * (those of 06 and 07 that libphonenumber accepts for SMS), as a real roll's do; the IP a voter comes from
 * is one of {@code ips} campus addresses.
 *
 * <p>Command: {@code java -cp loadtests/target/benchmarks.jar fr.sesame.loadtests.env.Voters 1000000 roll.csv}
 */
public final class Voters {
  public static final String HEADER = "identifier,college,lastName,firstName,birthDate,email,phone,secret\n";

  private Voters() {}

  public static String identifier(long i) {
    return "v" + i;
  }

  /** A SISCOL student number, different for each voter and not guessable from the identifier alone. */
  public static String secret(long i) {
    return "S" + padded(Math.floorMod(i * 2_654_435_761L + 12_345L, 100_000_000L), 8);
  }

  /** The 5-digit national prefixes of French mobile blocks that take SMS, in order, but the last 100. */
  private static final String[] ALL_BLOCKS = IntStream.range(60_000, 80_000).mapToObj(Integer::toString)
      .filter(b -> takesSms("+33" + b + "0000") && takesSms("+33" + b + "9999"))
      .toArray(String[]::new);
  private static final String[] BLOCKS = Arrays.copyOf(ALL_BLOCKS, ALL_BLOCKS.length - 100);

  private static boolean takesSms(String e164) {
    return PhoneRules.check(e164, PhoneRules.FRANCE_WITH_OVERSEAS, PhoneRules.Use.SMS) == PhoneRules.Verdict.OK;
  }

  /**
   * A number in one of the 100 blocks no voter's phone is in (for the abuse simulation: pumping there
   * trips that block's breaker without touching a voter).
   */
  public static String outsideRoll(int block, long serial) {
    return String.format("+33%s%04d", ALL_BLOCKS[ALL_BLOCKS.length - 1 - block % 100], serial % 10_000);
  }

  /** Voter {@code i}'s mobile: block {@code i mod blocks}, then the serial {@code i / blocks}. */
  public static String phone(long i) {
    return "+33" + BLOCKS[(int) (i % BLOCKS.length)] + padded((i / BLOCKS.length) % 10_000, 4);
  }

  /**
   * {@code value} in {@code digits} digits, zeros first: what {@code String.format("%0Nd")} gives, without its
   * parsing of the format (a million-line roll is generated while it is imported, on the same two cores).
   */
  static String padded(long value, int digits) {
    String s = Long.toString(value);
    return s.length() >= digits ? s : "0".repeat(digits - s.length()) + s;
  }

  /** How many voters have distinct phones. */
  public static long capacity() {
    return BLOCKS.length * 10_000L;
  }

  /** One of {@code ips} addresses in 10.0.0.0/8, as behind that many campus or company NATs. */
  public static String ip(long i, int ips) {
    long n = Math.floorMod(i * 40_503L, ips) + 1;
    return "10." + (n >> 16 & 255) + "." + (n >> 8 & 255) + "." + (n & 255);
  }

  public static String line(long i) {
    return identifier(i) + ",etudiants,Nom" + i + ",Prenom,,," + phone(i) + "," + secret(i) + "\n";
  }

  /** Writes the roll of voters {@code 0 .. n-1}. */
  public static void write(long n, OutputStream out) throws IOException {
    write(0, n, out);
  }

  /** Writes the roll of voters {@code first .. first+n-1}. */
  public static void write(long first, long n, OutputStream out) throws IOException {
    BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
    w.write(HEADER);
    for (long i = first; i < first + n; i++) {
      w.write(line(i));
    }
    w.flush();
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: Voters <count> <file.csv>");
      System.exit(2);
    }
    try (OutputStream out = Files.newOutputStream(Path.of(args[1]))) {
      write(Long.parseLong(args[0]), out);
    }
  }
}
