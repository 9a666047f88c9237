package fr.sesame.gateway.domain;

/**
 * Who is calling, for decisions and the audit trail.
 *
 * @param ip    the client's IP address as the HTTP layer sees it (proxy headers only when configured)
 * @param actor the caller's name in the audit trail: an API key's name, or empty for a voter (the voter
 *              pseudonym is used then)
 */
public record ClientInfo(String ip, String actor) {
  public static ClientInfo voter(String ip) {
    return new ClientInfo(ip, "");
  }
}
