package fr.sesame.gateway.store.redis;

import fr.sesame.redis.ReplyCode;

/**
 * What became of a credential campaign's lease. The reply codes of {@code redis/campaign/*.lua}, declared under the
 * same names in {@code redis/lib/campaign.lua}.
 */
enum CampaignReply implements ReplyCode {
  /** The caller holds the campaign (started, taken over, progress or end recorded). */
  HELD(1),
  /** Another runner holds it within its lease (or, starting, another campaign runs). */
  BUSY(2),
  /** The caller no longer holds it: another runner took it over. */
  LOST(3),
  /** Nothing to resume: the campaign has ended. */
  ENDED(4);

  private final int code;

  CampaignReply(int code) {
    this.code = code;
  }

  @Override
  public int code() {
    return code;
  }

  static CampaignReply of(long code) {
    return ReplyCode.decode(CampaignReply.class, code);
  }
}
