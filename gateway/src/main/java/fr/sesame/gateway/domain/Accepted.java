package fr.sesame.gateway.domain;

/**
 * What accepting a notification into the outbox decided.
 * @param id         its id ("" when refused)
 * @param created    false when the idempotency key was seen before (then {@code id} is the first one's)
 * @param sourceGone true when its data was to be copied from a notification whose content is gone (nothing was
 *                   written then)
 * @param refused    the caps on paid sends refused it (nothing was written), or null
 */
public record Accepted(String id, boolean created, boolean sourceGone, SendRefusal refused) {
  public Accepted(String id, boolean created, boolean sourceGone) {
    this(id, created, sourceGone, null);
  }
}
