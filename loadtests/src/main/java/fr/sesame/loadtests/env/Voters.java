package fr.sesame.loadtests.env;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The load tests' voters: voter {@code i} is the same in the roll and in the simulations, so a roll of any
 * size is generated, not stored. Phones spread evenly over the 17,000 French mobile blocks of 10,000
 * numbers (06 and 073 to 079), as a real roll's do; the IP a voter comes from is one of {@code ips}
 * campus addresses.
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
    return String.format("S%08d", Math.floorMod(i * 2_654_435_761L + 12_345L, 100_000_000L));
  }

  /** Voter {@code i}'s mobile: block {@code i mod 17,000}, then {@code i / 17,000} (up to 170 M voters). */
  public static String phone(long i) {
    int block = (int) (i % 17_000);
    String prefix = block < 10_000 ? String.format("6%04d", block)
        : String.format("7%d%03d", 3 + (block - 10_000) / 1_000, (block - 10_000) % 1_000);
    return String.format("+33%s%04d", prefix, (i / 17_000) % 10_000);
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
    BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
    w.write(HEADER);
    for (long i = 0; i < n; i++) {
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
