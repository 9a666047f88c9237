package fr.sesame.gateway.http;

import fr.sesame.channels.dev.DevOutbox;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/** Dev mode only: {@code GET /dev/outbox[?to=destination]} lists the messages "sent", oldest first. */
public final class DevHandlers implements RouteGroup {
  private final DevOutbox outbox;

  public DevHandlers(DevOutbox outbox) {
    this.outbox = outbox;
  }

  @Override
  public void mount(Router router, Routes routes) {
    routes.plain(router.get("/dev/outbox"), "dev-outbox", ctx -> {
      JsonArray list = new JsonArray();
      for (DevOutbox.Entry e : outbox.list(ctx.request().getParam("to"))) {
        list.add(new JsonObject().put("id", e.id()).put("channel", e.message().kind().wireName())
            .put("to", e.message().to()).put("subject", e.message().subject()).put("text", e.message().text())
            .put("purpose", e.message().purpose()).put("sentAt", e.sentAt().toString()));
      }
      ApiRouter.json(ctx, 200, new JsonObject().put("messages", list));
    });
  }
}
