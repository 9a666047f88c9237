package fr.sesame.gateway.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RandomTokensTest {
  private final RandomTokens random = new RandomTokens();

  @Test
  void codesHaveTheirDigitsAndLeadingZeros() {
    for (int n : new int[] {1, 6, 8, 40}) {
      assertThat(random.digits(n)).hasSize(n).matches("[0-9]+");
    }
    boolean leadingZero = false;
    for (int i = 0; i < 2_000 && !leadingZero; i++) {
      leadingZero = random.digits(6).startsWith("0");
    }
    assertThat(leadingZero).isTrue();
  }

  @Test
  void everyDigitIsEquallyLikely() {
    int[] counts = new int[10];
    for (int i = 0; i < 20_000; i++) {
      for (char c : random.digits(5).toCharArray()) {
        counts[c - '0']++;
      }
    }
    // 10,000 expected each, standard deviation about 95: 6 % off is more than 6 deviations
    for (int c : counts) {
      assertThat(c).isBetween(9_400, 10_600);
    }
  }
}
