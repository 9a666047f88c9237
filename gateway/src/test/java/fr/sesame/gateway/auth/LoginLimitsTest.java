package fr.sesame.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LoginLimitsTest {
  @Test
  void anIpv4AddressIsItsOwnSubjectAnIpv6OneCountsByItsSlash64() {
    assertThat(LoginLimits.ipSubject("192.0.2.7")).isEqualTo("192.0.2.7");
    assertThat(LoginLimits.ipSubject("2001:db8:1:2:aaaa::1")).isEqualTo("20010db800010002::/64");
    assertThat(LoginLimits.ipSubject("[2001:db8:1:2:ffff:ffff:ffff:ffff]")).isEqualTo("20010db800010002::/64");
    assertThat(LoginLimits.ipSubject("::ffff:192.0.2.7")).isEqualTo("::ffff:192.0.2.7");
    assertThat(LoginLimits.ipSubject("not-an-address")).isEqualTo("not-an-address");
    assertThat(LoginLimits.ipSubject("fe80::1%eth0")).isEqualTo("fe80000000000000::/64");
    assertThat(LoginLimits.ipSubject("")).isEqualTo("unknown");
  }
}
