package fr.sesame.gateway.problem;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a logged unexpected failure keeps: classes and stacks, no message. No I/O. */
class RedactedExceptionTest {
  @Test
  void keepsEachClassAndStackOfTheChainButNoMessage() {
    IllegalArgumentException root = new IllegalArgumentException("invalid hex byte of '{\"secret\":\"20231234\"}'");
    IllegalStateException top = new IllegalStateException("decoding 'secret=20231234'", root);
    Throwable r = RedactedException.of(top);
    assertThat(r.getMessage()).startsWith("java.lang.IllegalStateException (message withheld");
    assertThat(r.getStackTrace()).isEqualTo(top.getStackTrace());
    assertThat(r.getCause().getMessage()).startsWith("java.lang.IllegalArgumentException (message withheld");
    assertThat(r.getCause().getStackTrace()).isEqualTo(root.getStackTrace());
    assertThat(r.getCause().getCause()).isNull();
    assertThat(RedactedException.of(null)).isNull();
  }

  @Test
  void describesEachClassOfTheChainWithTheMessagesOfOurOwnExceptionsOnly() {
    Throwable t = new fr.sesame.redis.StoreUnavailableException("Redis command failed: RedisCommandExecutionException",
        new IllegalStateException("ERR in script: alice.martin@univ-test.fr", new java.io.IOException("x")));
    assertThat(RedactedException.describe(t)).isEqualTo("StoreUnavailableException: Redis command failed: "
        + "RedisCommandExecutionException <- IllegalStateException <- IOException");
    assertThat(RedactedException.describe(new IllegalArgumentException("secret=20231234")))
        .isEqualTo("IllegalArgumentException");
    assertThat(RedactedException.describe(null)).isEqualTo("no exception");
  }
}
