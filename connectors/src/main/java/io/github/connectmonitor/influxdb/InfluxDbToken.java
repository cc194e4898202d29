package io.github.connectmonitor.influxdb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.connectmonitor.sink.AwsClients;
import io.github.connectmonitor.sink.SinkException;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.github.connectmonitor.influxdb.InfluxDbConnectorOptions.AWS_REGION;
import static io.github.connectmonitor.influxdb.InfluxDbConnectorOptions.SECRETSMANAGER_ENDPOINT;
import static io.github.connectmonitor.influxdb.InfluxDbConnectorOptions.TOKEN_SECRET_ARN;

/**
 * The sink's API token: the {@code token} option, or the Secrets Manager secret {@code
 * token.secret-arn} names, read once when a writer starts (so the token is in neither the job's
 * properties nor its checkpoints). The secret string is the token itself, or a JSON object with a
 * {@code token} key, such as a secret that also holds a user name and password. No message ever
 * carries the secret's value.
 */
final class InfluxDbToken {

    private static final ObjectMapper JSON = new ObjectMapper();

    private InfluxDbToken() {}

    /** The token the writer sends, or null for none. */
    static String resolve(InfluxDbSinkConfig config) {
        if (config.tokenSecretArn() == null) {
            return config.token();
        }
        return read(config);
    }

    /**
     * Reads the secret with the default credentials chain, the region of {@code aws.region} or the
     * default region chain, and {@code secretsmanager.endpoint} if set; SDK retries as the SDK
     * defaults (a single read at start), each call within {@code sink.request.timeout}.
     *
     * @throws SinkException naming {@code token.secret-arn}, the ARN and the AWS error
     */
    static String read(InfluxDbSinkConfig config) {
        String arn = config.tokenSecretArn();
        String secret;
        try (DefaultCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();
                SecretsManagerClient client = client(config, credentials)) {
            GetSecretValueResponse response = client.getSecretValue(request -> request.secretId(arn));
            secret = response.secretString();
            if (secret == null) {
                throw unusable(arn, "it holds binary data (SecretBinary), not a secret string");
            }
        } catch (SdkException e) {
            throw new SinkException(
                    String.format(
                            "Could not read the InfluxDB token from Secrets Manager (option '%s' = '%s'): %s. "
                                    + "Check the ARN, that the job's role may call "
                                    + "secretsmanager:GetSecretValue on it (and kms:Decrypt if a "
                                    + "customer-managed key encrypts it), and the options '%s' (%s) and '%s'.",
                            TOKEN_SECRET_ARN.key(),
                            arn,
                            e.getClass().getSimpleName() + ": " + e.getMessage(),
                            AWS_REGION.key(),
                            config.awsRegion() == null ? "not set: the default region chain" : config.awsRegion(),
                            SECRETSMANAGER_ENDPOINT.key()),
                    e);
        }
        try {
            return fromSecretString(secret);
        } catch (IllegalArgumentException e) {
            throw unusable(arn, e.getMessage());
        }
    }

    private static SecretsManagerClient client(InfluxDbSinkConfig config, DefaultCredentialsProvider credentials) {
        Duration timeout = config.requestTimeout();
        SecretsManagerClientBuilder builder =
                SecretsManagerClient.builder()
                        .credentialsProvider(credentials)
                        .httpClientBuilder(AwsClients.httpClient(timeout))
                        .overrideConfiguration(o -> o.apiCallAttemptTimeout(timeout));
        if (config.awsRegion() != null) {
            builder.region(Region.of(config.awsRegion()));
        }
        if (config.secretsManagerEndpoint() != null) {
            builder.endpointOverride(URI.create(config.secretsManagerEndpoint()));
        }
        return builder.build();
    }

    /**
     * The token in a secret string: the whole (trimmed) string, or, when it is a JSON object, its
     * {@code token} member.
     *
     * @throws IllegalArgumentException saying what is wrong, without the secret's value
     */
    static String fromSecretString(String secret) {
        String text = secret == null ? "" : secret.trim();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("the secret string is empty");
        }
        if (!text.startsWith("{")) {
            return text;
        }
        JsonNode json;
        try {
            json = JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("it starts with '{' but is not a JSON object");
        }
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("it starts with '{' but is not a JSON object");
        }
        JsonNode token = json.get("token");
        if (token == null) {
            List<String> keys = new ArrayList<>();
            json.fieldNames().forEachRemaining(keys::add);
            throw new IllegalArgumentException("its JSON object has no \"token\" key (its keys: " + keys + ")");
        }
        if (!token.isTextual() || token.asText().trim().isEmpty()) {
            throw new IllegalArgumentException("its \"token\" is not a non-empty string");
        }
        return token.asText().trim();
    }

    private static SinkException unusable(String arn, String problem) {
        return new SinkException(
                String.format(
                        "The Secrets Manager secret of option '%s' = '%s' holds no usable InfluxDB token: %s. "
                                + "Store the token itself as the secret string, or a JSON object with a "
                                + "\"token\" key.",
                        TOKEN_SECRET_ARN.key(), arn, problem),
                null);
    }
}
