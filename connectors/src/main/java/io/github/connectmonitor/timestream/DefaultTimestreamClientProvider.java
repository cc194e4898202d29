package io.github.connectmonitor.timestream;

import io.github.connectmonitor.sink.AwsClients;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.timestreamwrite.TimestreamWriteClient;
import software.amazon.awssdk.services.timestreamwrite.TimestreamWriteClientBuilder;

import java.net.URI;
import java.time.Duration;

/**
 * The production client: SDK v2 on the JDK's HttpURLConnection, no SDK-level retries (the writer
 * retries with its own backoff so that every attempt is visible and bounded), endpoint discovery on
 * unless an endpoint override is given, credentials from the default chain unless static keys are
 * configured.
 */
public final class DefaultTimestreamClientProvider implements TimestreamClientProvider {

    private static final long serialVersionUID = 1L;

    public static final DefaultTimestreamClientProvider INSTANCE =
            new DefaultTimestreamClientProvider();

    private DefaultTimestreamClientProvider() {}

    @Override
    public TimestreamWriteClient create(TimestreamSinkConfig config) {
        Duration timeout = config.requestTimeout();
        TimestreamWriteClientBuilder builder =
                TimestreamWriteClient.builder()
                        .region(Region.of(config.region()))
                        .credentialsProvider(credentials(config))
                        .httpClientBuilder(AwsClients.httpClient(timeout))
                        .overrideConfiguration(
                                ClientOverrideConfiguration.builder()
                                        .retryStrategy(AwsRetryStrategy.doNotRetry())
                                        .apiCallTimeout(timeout)
                                        .build());
        if (config.endpoint() != null) {
            builder.endpointOverride(URI.create(config.endpoint())).endpointDiscoveryEnabled(false);
        } else {
            builder.endpointDiscoveryEnabled(true);
        }
        return builder.build();
    }

    private static AwsCredentialsProvider credentials(TimestreamSinkConfig config) {
        if (config.accessKeyId() != null) {
            return StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(config.accessKeyId(), config.secretAccessKey()));
        }
        return DefaultCredentialsProvider.builder().build();
    }
}
