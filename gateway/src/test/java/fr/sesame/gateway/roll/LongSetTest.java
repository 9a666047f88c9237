package fr.sesame.gateway.roll;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LongSetTest {
  @Test
  void behavesLikeASetThroughGrowthIncludingZero() {
    LongSet set = new LongSet();
    Set<Long> reference = new HashSet<>();
    Random random = new Random(42);
    for (int i = 0; i < 50_000; i++) {
      long v = i % 7 == 0 ? random.nextInt(1000) : random.nextLong();
      assertThat(set.add(v)).isEqualTo(reference.add(v));
    }
    assertThat(set.add(0L)).isEqualTo(reference.add(0L));
    assertThat(set.add(0L)).isFalse();
  }
}
