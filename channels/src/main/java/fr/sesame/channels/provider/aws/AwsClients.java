package fr.sesame.channels.provider.aws;

import fr.sesame.channels.spi.ProviderException;
import fr.sesame.channels.spi.ProviderSettings;
import fr.sesame.channels.spi.SdkCalls;
import io.vertx.core.Future;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsAsyncClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * What the AWS providers share: explicit region and credentials (nothing looked up from the environment
 * chain or instance metadata), an optional endpoint override (tests and load tests point the real client at
 * a local fake), the Netty async HTTP client, no SDK retries (the provider's guard retries), and the
 * mapping of SDK failures to {@link ProviderException}.
 */
final class AwsClients {
  private AwsClients() {}

  /** Options: {@code region} (eu-west-3, Paris), {@code endpoint}; secrets {@code ACCESS_KEY_ID}, {@code SECRET_ACCESS_KEY}. */
  static <B extends AwsClientBuilder<B, C> & AwsAsyncClientBuilder<B, C>, C> C build(B builder, ProviderSettings s) {
    Duration timeout = s.duration("timeout", Duration.ofSeconds(3));
    builder.region(Region.of(s.optional("region", "eu-west-3")))
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(s.secret("accessKeyId"), s.secret("secretAccessKey"))))
        .httpClientBuilder(NettyNioAsyncHttpClient.builder().connectionTimeout(Duration.ofSeconds(2))
            .readTimeout(timeout).maxConcurrency(s.integer("maxConcurrent", 200)))
        .overrideConfiguration(ClientOverrideConfiguration.builder()
            .retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(timeout.plusSeconds(1)).build());
    String endpoint = s.optional("endpoint", null);
    if (endpoint != null) {
      builder.endpointOverride(URI.create(endpoint));
    }
    return builder.build();
  }

  /**
   * Back to the caller's Vert.x context, failures classified.
   * @param recipient which service errors say the recipient is invalid (then REJECTED)
   */
  static <T> Future<T> call(String name, CompletableFuture<T> stage,
                            java.util.function.Predicate<AwsServiceException> recipient) {
    return SdkCalls.onCaller(stage, t -> classify(name, t, recipient));
  }

  /** Error codes of the common AWS errors and of throttling: our credentials, our clock, or slow down. */
  private static final java.util.Set<String> CREDENTIALS = java.util.Set.of("InvalidClientTokenId",
      "SignatureDoesNotMatch", "IncompleteSignature", "MissingAuthenticationToken", "AccessDenied",
      "AccessDeniedException", "ExpiredToken", "ExpiredTokenException", "UnrecognizedClientException",
      "NotAuthorized", "OptInRequired", "RequestExpired", "InvalidSignatureException");
  private static final java.util.Set<String> TRANSIENT_CODES = java.util.Set.of("Throttling", "ThrottlingException",
      "TooManyRequestsException", "ServiceUnavailable", "InternalFailure");

  /**
   * A failure of an AWS call. Credentials, signature and clock errors are misconfigurations whatever their
   * status (AWS answers some with 400); throttling is transient (some with 400 too); {@code recipient} tells
   * which service errors name the recipient; any other service error goes by its status, so never REJECTED.
   */
  static ProviderException classify(String name, Throwable t,
                                    java.util.function.Predicate<AwsServiceException> recipient) {
    if (t instanceof AwsServiceException s) {
      String code = s.awsErrorDetails() == null || s.awsErrorDetails().errorCode() == null ? ""
          : s.awsErrorDetails().errorCode().replaceAll("[^\\w.-]", "");
      String what = name + " answered HTTP " + s.statusCode() + (code.isEmpty() ? "" : " (" + code + ")");
      if (CREDENTIALS.contains(code)) {
        return ProviderException.misconfigured(what);
      }
      if (TRANSIENT_CODES.contains(code)) {
        return ProviderException.transientFailure(what, null);
      }
      if (recipient.test(s)) {
        return ProviderException.rejected(what);
      }
      ProviderException p = ProviderException.forHttpStatus(name, s.statusCode(), null);
      return new ProviderException(p.kind(), what, p.retryAfter(), null);
    }
    if (t instanceof SdkClientException) {
      return ProviderException.transientFailure(name + " unreachable: " + t.getClass().getSimpleName(), t);
    }
    return ProviderException.transientFailure(name + " failed: " + t.getClass().getSimpleName(), t);
  }
}
