package fr.sesame.loadtests.env;

import static org.assertj.core.api.Assertions.assertThat;

import fr.sesame.ratelimit.fraud.PhoneRules;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The generated voters are what the roll import and the production caps accept. */
class VotersTest {
  @Test
  void numbersArePaddedAsFormatPadsThem() {
    for (long v : new long[] {0, 7, 42, 9_999, 12_345, 99_999_999}) {
      assertThat(Voters.padded(v, 8)).isEqualTo(String.format("%08d", v));
      assertThat(Voters.padded(v % 10_000, 4)).isEqualTo(String.format("%04d", v % 10_000));
    }
    assertThat(Voters.secret(3)).isEqualTo(String.format("S%08d", Math.floorMod(3 * 2_654_435_761L + 12_345L,
        100_000_000L)));
  }

  @Test
  void phonesAreValidFrenchMobilesDistinctAndSpreadOverBlocks() {
    Set<String> phones = new HashSet<>();
    Map<String, Integer> perBlock = new HashMap<>();
    long first = 123_456_789L;
    for (long i = first; i < first + 100_000; i++) {
      String p = Voters.phone(i);
      assertThat(phones.add(p)).as("unique: %s", p).isTrue();
      perBlock.merge(PhoneRules.place(p, 5).prefix(), 1, Integer::sum);
    }
    for (long i = first; i < first + 100_000; i += 997) {
      assertThat(PhoneRules.check(Voters.phone(i), PhoneRules.FRANCE_WITH_OVERSEAS, PhoneRules.Use.SMS))
          .as(Voters.phone(i)).isEqualTo(PhoneRules.Verdict.OK);
    }
    // 100,000 voters over about 16,000 blocks: at most 7 per block, far below the block cap of 20
    assertThat(perBlock.values().stream().mapToInt(Integer::intValue).max().orElseThrow()).isLessThanOrEqualTo(7);
  }

  @Test
  void numbersOutsideTheRollAreInBlocksNoVoterUses() {
    Set<String> rollBlocks = new HashSet<>();
    for (long i = 0; i < Voters.capacity() / 10_000; i++) {
      rollBlocks.add(PhoneRules.place(Voters.phone(i), 5).prefix());
    }
    for (int b = 0; b < 100; b++) {
      String outside = Voters.outsideRoll(b, 42);
      assertThat(PhoneRules.check(outside, PhoneRules.FRANCE_WITH_OVERSEAS, PhoneRules.Use.SMS))
          .isEqualTo(PhoneRules.Verdict.OK);
      assertThat(rollBlocks).doesNotContain(PhoneRules.place(outside, 5).prefix());
    }
  }

  @Test
  void theRollHasOneLinePerVoterWithSiscolSecrets() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Voters.write(1_000, 3, out);
    String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(lines).hasSize(4);
    assertThat(lines[0] + "\n").isEqualTo(Voters.HEADER);
    assertThat(lines[1]).startsWith("v1000,etudiants,").endsWith("," + Voters.phone(1_000) + "," + Voters.secret(1_000));
    assertThat(Voters.secret(1_000)).matches("[A-Z0-9]{4,20}").isNotEqualTo(Voters.secret(1_001));
  }
}
