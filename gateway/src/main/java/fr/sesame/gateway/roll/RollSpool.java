package fr.sesame.gateway.roll;

import fr.sesame.gateway.problem.ProblemException;
import fr.sesame.gateway.problem.ProblemType;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.streams.ReadStream;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A job's upload, spooled: written to a temporary file as fast as it arrives, and read back, as a stream, by the
 * import at its own pace (each read waits for the bytes written so far). So the upload never waits for the
 * import: an HTTP client that gets its answer before it has sent the whole roll (a job answers once its header is
 * read) and closes the connection once it has sent the rest leaves nothing unread behind. Without the spool, the
 * import held the upload back (its batches pause the request), the rest of the body waited in the connection's
 * buffers, and Vert.x reported the connection's close before delivering it: the job failed although the whole
 * roll had been sent (curl does exactly this).
 *
 * <p>The file is the JVM's temporary directory's ({@code java.io.tmpdir}), readable by the gateway's user only,
 * deleted once the import is over ({@link #discard}), and encrypted (AES-CTR, a random key held in memory only):
 * a roll holds names, contacts and secrets, and a file a stopped gateway leaves behind cannot be read. At most
 * {@code maxBytes} are written (the roll's limit): past it the stream fails with the roll's {@code payload-too-large}
 * problem; a disk that fails fails it with an {@code internal} problem. Writes are queued in
 * memory while the disk catches up, up to {@value #HIGH_WATER} bytes, beyond which the upload is paused.
 *
 * <p>Everything runs on the context that opened it. Not thread-safe.
 */
final class RollSpool implements ReadStream<Buffer> {
  /** Bytes read back at a time: well under what the line parser may hold (a pause leaves one read unparsed). */
  private static final int READ_CHUNK = 16 * 1024;
  private static final int HIGH_WATER = 8 * 1024 * 1024;
  private static final int LOW_WATER = 1024 * 1024;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Vertx vertx;
  private final Context context;
  private final String path;
  private final AsyncFile file;
  private final ReadStream<Buffer> upload;
  private final Handler<Throwable> onUploadFailure;
  private final long maxBytes;
  private final Cipher encrypt;
  private final Cipher decrypt;
  // the writing side
  private final ArrayDeque<Buffer> queued = new ArrayDeque<>();
  private long queuedBytes;
  private boolean writing;
  private boolean uploadPaused;
  private long received;   // bytes of the upload taken (written or queued)
  private long written;    // bytes on file, readable
  private boolean uploadEnded;
  private Throwable uploadFailure;
  private boolean discarded;
  // the reading side
  private long read;
  private long demand;
  private boolean reading;
  private boolean over; // its end or failure was delivered
  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;

  private RollSpool(Vertx vertx, Context context, String path, AsyncFile file, ReadStream<Buffer> upload,
                    Handler<Throwable> onUploadFailure, long maxBytes, Cipher encrypt, Cipher decrypt) {
    this.vertx = vertx;
    this.context = context;
    this.path = path;
    this.file = file;
    this.upload = upload;
    this.onUploadFailure = onUploadFailure;
    this.maxBytes = maxBytes;
    this.encrypt = encrypt;
    this.decrypt = decrypt;
  }

  /**
   * Starts spooling {@code upload} (paused by the caller, resumed here); the spool, a paused stream, reads it
   * back. Call it on the upload's context.
   * @param maxBytes the most bytes spooled: past it the stream fails with {@link RollImport#tooLarge}
   * @param onUploadFailure told of the upload's failure as it happens (the stream fails with it only once what
   *     came before it is read back): an HTTP caller that has not answered yet must answer before Vert.x closes
   *     the connection
   */
  static Future<RollSpool> open(Vertx vertx, ReadStream<Buffer> upload, long maxBytes,
                                Handler<Throwable> onUploadFailure) {
    Context context = vertx.getOrCreateContext();
    Cipher encrypt;
    Cipher decrypt;
    try {
      byte[] key = new byte[32];
      byte[] iv = new byte[16];
      RANDOM.nextBytes(key);
      RANDOM.nextBytes(iv);
      encrypt = cipher(Cipher.ENCRYPT_MODE, key, iv);
      decrypt = cipher(Cipher.DECRYPT_MODE, key, iv);
    } catch (GeneralSecurityException e) {
      return Future.failedFuture(new IllegalStateException("AES-CTR is not available", e));
    }
    return vertx.fileSystem().createTempFile("sesame-roll-", ".spool", "rw-------").compose(path ->
        vertx.fileSystem().open(path, new OpenOptions().setRead(true).setWrite(true).setCreate(false))
            .recover(e -> vertx.fileSystem().delete(path).transform(d -> Future.failedFuture(e)))
            .map(file -> new RollSpool(vertx, context, path, file, upload, onUploadFailure, maxBytes, encrypt,
                decrypt).start()));
  }

  private static Cipher cipher(int mode, byte[] key, byte[] iv) throws GeneralSecurityException {
    Cipher c = Cipher.getInstance("AES/CTR/NoPadding");
    c.init(mode, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
    return c;
  }

  private RollSpool start() {
    upload.handler(this::received);
    upload.endHandler(v -> {
      uploadEnded = true;
      pump();
    });
    upload.exceptionHandler(e -> {
      if (uploadFailure == null) {
        uploadFailure = e; // delivered once what came before it is read back
      }
      onUploadFailure.handle(e);
      pump();
    });
    upload.resume();
    return this;
  }

  /** Stops spooling and reading, and deletes the file (once the writes in flight are over). */
  Future<Void> discard() {
    if (discarded) {
      return Future.succeededFuture();
    }
    discarded = true; // what the upload still brings is dropped (the caller stops it: HTTP closes the connection)
    queued.clear();
    return file.close().transform(closed -> vertx.fileSystem().delete(path));
  }

  // ------------------------------------------------------------------------------------------- writing

  private void received(Buffer data) {
    if (discarded || uploadFailure != null) {
      return;
    }
    received += data.length();
    if (received > maxBytes) {
      uploadFailure = RollImport.tooLarge(maxBytes);
      queued.clear(); // what is over the limit is not read
      queuedBytes = 0;
      pump();
      return;
    }
    byte[] encrypted = encrypt.update(data.getBytes());
    queued.add(Buffer.buffer(encrypted));
    queuedBytes += encrypted.length;
    if (queuedBytes > HIGH_WATER && !uploadPaused) {
      uploadPaused = true;
      upload.pause();
    }
    writeNext();
  }

  /** Writes the queued buffers one at a time, in order: what is on file is always a prefix of the upload. */
  private void writeNext() {
    if (writing || discarded || queued.isEmpty()) {
      return;
    }
    Buffer next = queued.poll();
    writing = true;
    file.write(next, written).onComplete(done -> {
      writing = false;
      if (discarded) {
        return;
      }
      if (done.failed()) { // the disk (full?): the class only, a message may name the file
        uploadFailure = new ProblemException(ProblemType.INTERNAL, "the upload could not be spooled to disk ("
            + done.cause().getClass().getSimpleName() + ")");
        queued.clear();
        pump();
        return;
      }
      written += next.length();
      queuedBytes -= next.length();
      if (uploadPaused && queuedBytes < LOW_WATER) {
        uploadPaused = false;
        upload.resume();
      }
      writeNext();
      pump();
    });
  }

  // ------------------------------------------------------------------------------------------- reading

  /** Reads on while there is demand: the bytes written so far, then the upload's end or failure. */
  private void pump() {
    if (reading || over || discarded || demand <= 0 || handler == null) {
      return;
    }
    if (read < written) {
      int length = (int) Math.min(READ_CHUNK, written - read);
      reading = true;
      file.read(Buffer.buffer(length), 0, read, length).onComplete(r -> {
        reading = false;
        if (discarded || over) {
          return;
        }
        if (r.failed()) {
          fail(new ProblemException(ProblemType.INTERNAL, "the upload could not be read back from its spool ("
              + r.cause().getClass().getSimpleName() + ")"));
          return;
        }
        Buffer chunk = r.result();
        read += chunk.length();
        if (demand != Long.MAX_VALUE) {
          demand--;
        }
        handler.handle(Buffer.buffer(decrypt.update(chunk.getBytes())));
        pump();
      });
    } else if (uploadFailure != null && !writing && queued.isEmpty()) {
      fail(uploadFailure);
    } else if (uploadEnded && !writing && queued.isEmpty()) {
      over = true;
      if (endHandler != null) {
        endHandler.handle(null);
      }
    }
  }

  private void fail(Throwable failure) {
    over = true;
    if (exceptionHandler != null) {
      exceptionHandler.handle(failure);
    }
  }

  @Override
  public ReadStream<Buffer> handler(Handler<Buffer> handler) {
    this.handler = handler;
    return this;
  }

  @Override
  public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
    this.endHandler = endHandler;
    return this;
  }

  @Override
  public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    return this;
  }

  @Override
  public ReadStream<Buffer> pause() {
    demand = 0;
    return this;
  }

  @Override
  public ReadStream<Buffer> resume() {
    return fetch(Long.MAX_VALUE);
  }

  /** Adds demand; what it lets through comes later, never within this call (a parser calls it as it parses). */
  @Override
  public ReadStream<Buffer> fetch(long amount) {
    demand = amount == Long.MAX_VALUE || demand + amount < 0 ? Long.MAX_VALUE : demand + amount;
    context.runOnContext(v -> pump());
    return this;
  }
}
