package fr.sesame.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link HttpEdge#isHost} accepts exactly what its regex {@link HttpEdge#HOST} accepts. */
class HttpEdgeHostTest {
  @Test
  void knownHostsAndNonHosts() {
    for (String ok : new String[] {"", "localhost", "127.0.0.1", "127.0.0.1:8080", "example.org:", "[::1]",
        "[::1]:443", "[2001:db8::1]:65535", "a-b.c_d~e!$&'()*+,;=%41", "x:12345"}) {
      assertThat(HttpEdge.isHost(ok)).as(ok).isTrue();
      assertThat(HttpEdge.HOST.matcher(ok).matches()).as(ok).isTrue();
    }
    for (String bad : new String[] {"[]", "[::1", "[::1]x", "[g::1]", "host:123456", "host:8a", "ho st", "a/b",
        "a:1:2", "[::1]:1:2", "é.fr", "a@b", "[::1]]"}) {
      assertThat(HttpEdge.isHost(bad)).as(bad).isFalse();
      assertThat(HttpEdge.HOST.matcher(bad).matches()).as(bad).isFalse();
    }
  }

  @Test
  void randomStringsAgreeWithTheRegex() {
    Random random = new Random(1);
    String alphabet = "[]:.0123456789afAFgz-_~!$&'()*+,;=% /@é\t";
    for (int n = 0; n < 200_000; n++) {
      StringBuilder sb = new StringBuilder();
      for (int i = random.nextInt(10); i > 0; i--) {
        sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String s = sb.toString();
      assertThat(HttpEdge.isHost(s)).as(s).isEqualTo(HttpEdge.HOST.matcher(s).matches());
    }
  }
}
