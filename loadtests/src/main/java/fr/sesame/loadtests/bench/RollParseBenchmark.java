package fr.sesame.loadtests.bench;

import fr.sesame.channels.ChannelKind;
import fr.sesame.gateway.auth.VoterKeys;
import fr.sesame.gateway.crypto.FieldCipher;
import fr.sesame.gateway.crypto.KeyedHasher;
import fr.sesame.gateway.crypto.RandomTokens;
import fr.sesame.gateway.domain.College;
import fr.sesame.gateway.domain.Election;
import fr.sesame.gateway.domain.SecretKind;
import fr.sesame.gateway.roll.RollLineParser;
import fr.sesame.loadtests.env.Voters;
import fr.sesame.ratelimit.fraud.PhoneRules;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The CPU a roll import spends on one line before Redis: the CSV cells, the checks (libphonenumber for the phone),
 * the voter's pseudonym and secret (two keyed hashes) and the encryption of its identity and contacts (AES-GCM), as
 * {@link RollLineParser#parse} does them for each line of an import. Single-threaded, average time per line.
 * {@code phone}: the load tests' roll line ({@link Voters#line}: identifier, college, name, phone, secret);
 * {@code full}: every column given (birth date, email and phone), a roll that gives all it can.
 *
 * <p>Run: {@code mvn -q -B -Pbench -pl loadtests -am package -DskipTests && java -jar
 * loadtests/target/benchmarks.jar RollParseBenchmark}
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgs = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RollParseBenchmark {
  @Param({"phone", "full"})
  public String line;

  private String[] lines;
  private int next;
  private RollLineParser parser;
  private Election election;
  private VoterKeys keys;
  private KeyedHasher hasher;
  private FieldCipher cipher;

  @Setup(Level.Trial)
  public void setUp() {
    byte[] hashKey = new byte[32];
    byte[] dataKey = new byte[32];
    java.util.Arrays.fill(hashKey, (byte) 7);
    java.util.Arrays.fill(dataKey, (byte) 9);
    hasher = new KeyedHasher(hashKey);
    cipher = new FieldCipher(dataKey);
    keys = new VoterKeys(hasher, new RandomTokens());
    election = new Election("bench", "Bench", OffsetDateTime.now().plusDays(1), OffsetDateTime.now().plusDays(2),
        Map.of("etudiants", new College("etudiants", SecretKind.SISCOL,
            Set.of(ChannelKind.SMS, ChannelKind.EMAIL))), PhoneRules.FRANCE_WITH_OVERSEAS);
    lines = new String[1 << 16];
    for (int i = 0; i < lines.length; i++) {
      String l = Voters.line(i).strip();
      lines[i] = "phone".equals(line) ? l : "v" + i + ",etudiants,Nom" + i + ",Prénom,2001-02-03,prenom.nom" + i
          + "@etu.univ-exemple.fr," + Voters.phone(i) + "," + Voters.secret(i);
    }
    newParser();
  }

  private void newParser() {
    parser = new RollLineParser(election, keys, hasher, cipher, ',');
    next = 0;
  }

  @Benchmark
  public Object parse() {
    if (next == lines.length) {
      newParser(); // the same identifiers again: a new upload, else duplicates
    }
    RollLineParser.Result r = parser.parse(lines[next++]);
    if (r == null || r.row() == null) {
      throw new IllegalStateException("a bench line was rejected: " + (r == null ? "blank" : r.rejection()));
    }
    return r;
  }
}
