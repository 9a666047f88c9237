package fr.sesame.channels.spi;

import fr.sesame.channels.ChannelKind;
import java.util.Objects;

/** What every provider holds: its configured name and the channel it sends. */
public abstract class NamedProvider implements ChannelProvider {
  /** The configured name, also the one its failures and receipts carry. */
  protected final String name;
  private final ChannelKind kind;

  protected NamedProvider(String name, ChannelKind kind) {
    this.name = Objects.requireNonNull(name, "name");
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final ChannelKind kind() {
    return kind;
  }
}
