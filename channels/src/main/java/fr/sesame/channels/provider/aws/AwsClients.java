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

  /** Back to the caller's Vert.x context, failures classified. */
  static <T> Future<T> call(String name, CompletableFuture<T> stage) {
    return SdkCalls.onCaller(stage, t -> classify(name, t));
  }

  private static ProviderException classify(String name, Throwable t) {
    if (t instanceof AwsServiceException s) {
      String code = s.awsErrorDetails() == null ? "" : s.awsErrorDetails().errorCode();
      ProviderException p = ProviderException.forHttpStatus(name, s.statusCode(), null);
      return new ProviderException(p.kind(), p.getMessage() + (code == null || code.isEmpty() ? "" : " (" + code + ")"),
          p.retryAfter(), null);
    }
    if (t instanceof SdkClientException) {
      return ProviderException.transientFailure(name + " unreachable: " + t.getClass().getSimpleName(), t);
    }
    return ProviderException.transientFailure(name + " failed: " + t.getClass().getSimpleName(), t);
  }
}
