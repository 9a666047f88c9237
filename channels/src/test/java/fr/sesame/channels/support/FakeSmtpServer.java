package fr.sesame.channels.support;

import fr.sesame.testkit.Await;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An SMTP server as a test scripts it, on {@code 127.0.0.1} and a free port: it accepts everything
 * (EHLO with ENHANCEDSTATUSCODES and AUTH PLAIN LOGIN) but the commands given another reply with
 * {@link #reply}, and records the command lines it receives. Real servers' refusals, wire for wire, where
 * GreenMail cannot refuse a recipient.
 */
public final class FakeSmtpServer implements AutoCloseable {
  private final NetServer server;
  private final Map<String, String> replies = new ConcurrentHashMap<>();
  private final List<String> commands = new CopyOnWriteArrayList<>();

  public FakeSmtpServer(Vertx vertx) {
    server = vertx.createNetServer().connectHandler(this::serve);
    Await.await(server.listen(0, "127.0.0.1"));
  }

  /** {@code verb} ({@code MAIL}, {@code RCPT}, {@code DATA}, {@code AUTH}) is answered {@code line}. */
  public FakeSmtpServer reply(String verb, String line) {
    replies.put(verb.toUpperCase(Locale.ROOT), line);
    return this;
  }

  /** The command lines received, in order (the message's content left out). */
  public List<String> commands() {
    return List.copyOf(commands);
  }

  public int port() {
    return server.actualPort();
  }

  private void serve(NetSocket socket) {
    boolean[] inData = {false};
    RecordParser lines = RecordParser.newDelimited("\r\n", line -> {
      String l = line.toString();
      if (inData[0]) {
        if (l.equals(".")) {
          inData[0] = false;
          socket.write("250 2.0.0 Ok: queued as FAKE1\r\n");
        }
        return;
      }
      commands.add(l);
      String verb = (l.contains(" ") ? l.substring(0, l.indexOf(' ')) : l).toUpperCase(Locale.ROOT);
      String scripted = replies.get(verb);
      if (scripted != null) {
        socket.write(scripted + "\r\n");
        return;
      }
      switch (verb) {
        case "EHLO" -> socket.write("250-fake.example\r\n250-ENHANCEDSTATUSCODES\r\n250 AUTH PLAIN LOGIN\r\n");
        case "AUTH" -> socket.write("235 2.7.0 Authentication successful\r\n");
        case "DATA" -> {
          inData[0] = true;
          socket.write("354 End data with <CR><LF>.<CR><LF>\r\n");
        }
        case "QUIT" -> socket.write("221 2.0.0 Bye\r\n").onComplete(v -> socket.close());
        default -> socket.write("250 2.0.0 Ok\r\n");
      }
    });
    socket.handler(lines);
    socket.write(Buffer.buffer("220 fake.example ESMTP\r\n"));
  }

  @Override
  public void close() {
    Await.await(server.close());
  }
}
