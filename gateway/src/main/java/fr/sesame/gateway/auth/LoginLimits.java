package fr.sesame.gateway.auth;

import fr.sesame.gateway.config.LimitsConfig;
import fr.sesame.ratelimit.Limit;
import fr.sesame.ratelimit.StepLimits;
import fr.sesame.ratelimit.StepLimits.Charge;
import fr.sesame.ratelimit.StepLimits.Entry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The limits of each login step, decided inside the step's own script (no extra round trip). All are per
 * election (the hash tag), so one election's crowd never throttles another's.
 * <ul>
 * <li>start: per IP (always), failures per IP (on a wrong identifier or secret), codes per voter (when a
 *     code goes out: a stranger's wrong guesses never use up a voter's allowance), per election (always);
 * <li>verify: per IP, failures per IP (on a wrong code), per election;
 * <li>resend: per IP, codes per voter, per election;
 * <li>channel (the first code of a challenge the secret opened alone): per IP, per election; the secret step
 *     already charged the voter's codes.
 * </ul>
 */
public final class LoginLimits {
  private final LimitsConfig config;

  public LoginLimits(LimitsConfig config) {
    this.config = config;
  }

  public StepLimits start(String electionId, String ip, String voterPseudonym, Instant now) {
    String client = ipSubject(ip);
    return new StepLimits(electionId, List.of(
        new Entry(new Limit(config.loginIp(), client), Charge.ALWAYS),
        new Entry(new Limit(config.loginIpFailures(), client), Charge.ON_FAILURE),
        new Entry(new Limit(config.loginVoter(), voterPseudonym), Charge.ON_SUCCESS),
        new Entry(new Limit(config.loginElection(), "all"), Charge.ALWAYS)), now);
  }

  public StepLimits verify(String electionId, String ip, Instant now) {
    String client = ipSubject(ip);
    return new StepLimits(electionId, List.of(
        new Entry(new Limit(config.loginIp(), client), Charge.ALWAYS),
        new Entry(new Limit(config.loginIpFailures(), client), Charge.ON_FAILURE),
        new Entry(new Limit(config.loginElection(), "all"), Charge.ALWAYS)), now);
  }

  public StepLimits channel(String electionId, String ip, Instant now) {
    return new StepLimits(electionId, List.of(
        new Entry(new Limit(config.loginIp(), ipSubject(ip)), Charge.ALWAYS),
        new Entry(new Limit(config.loginElection(), "all"), Charge.ALWAYS)), now);
  }

  public StepLimits resend(String electionId, String ip, String voterPseudonym, Instant now) {
    return new StepLimits(electionId, List.of(
        new Entry(new Limit(config.loginIp(), ipSubject(ip)), Charge.ALWAYS),
        new Entry(new Limit(config.loginVoter(), voterPseudonym), Charge.ON_SUCCESS),
        new Entry(new Limit(config.loginElection(), "all"), Charge.ALWAYS)), now);
  }

  /**
   * The subject of a per-IP limit: an IPv4 address as it is, an IPv6 one by its /64 (one subscriber's
   * network; a client can take any address in it at will).
   */
  public static String ipSubject(String ip) {
    if (ip == null || ip.isEmpty()) {
      return "unknown";
    }
    if (ip.indexOf(':') < 0) {
      return ip;
    }
    String literal = ip.startsWith("[") && ip.endsWith("]") ? ip.substring(1, ip.length() - 1) : ip;
    int zone = literal.indexOf('%');
    if (zone >= 0) {
      literal = literal.substring(0, zone);
    }
    if (!literal.matches("[0-9A-Fa-f:.]+")) {
      return "unknown";
    }
    try {
      byte[] a = InetAddress.getByName(literal).getAddress(); // a literal: no name lookup
      return a.length == 16 ? HexFormat.of().formatHex(Arrays.copyOf(a, 8)) + "::/64" : literal;
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }
}
