package io.github.connectmonitor.influxdb;

import io.github.connectmonitor.sink.LocalServer;
import io.github.connectmonitor.sink.SinkException;
import io.github.connectmonitor.sink.SinkTesting;
import io.github.connectmonitor.sink.TestWriterContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.RowTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import java.net.URI;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code token.secret-arn} against a real Secrets Manager API (moto's server, {@code -Dmoto.server}):
 * the test creates secrets in both forms, and the sink, reading them with the SDK's default
 * credentials chain (here the {@code aws.accessKeyId} system properties moto accepts), sends {@code
 * Authorization: Token <value>} to a loopback server playing InfluxDB. A secret that cannot be read,
 * or holds no token, fails the writer at start, before any write.
 */
class InfluxDbSecretsManagerIntegrationTest {

    private static final String REGION = "us-east-1";
    private static final String[] CREDENTIAL_PROPERTIES = {"aws.accessKeyId", "aws.secretAccessKey"};

    /** moto's log; kept when the test fails. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    static Path workDir;

    private static LocalServer moto;
    private static final Map<String, String> savedProperties = new HashMap<>();
    private static String plainArn;
    private static String jsonArn;
    private static String noTokenArn;

    private FakeInfluxDb influx;

    @BeforeAll
    static void startMotoAndCreateSecrets() throws Exception {
        moto = LocalServer.moto(workDir, Map.of());
        for (String property : CREDENTIAL_PROPERTIES) {
            savedProperties.put(property, System.getProperty(property));
            System.setProperty(property, "testing");
        }
        try (SecretsManagerClient secrets =
                SecretsManagerClient.builder()
                        .region(Region.of(REGION))
                        .endpointOverride(URI.create(moto.url()))
                        .credentialsProvider(
                                StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                        .httpClient(UrlConnectionHttpClient.create())
                        .build()) {
            plainArn = secrets.createSecret(s -> s.name("influxdb-token").secretString("plain-token-1")).arn();
            jsonArn = secrets.createSecret(s -> s.name("influxdb-admin").secretString(
                    "{\"username\":\"admin\",\"password\":\"pw-not-a-token\",\"token\":\"json-token-2\"}")).arn();
            noTokenArn = secrets.createSecret(s -> s.name("influxdb-password-only").secretString(
                    "{\"username\":\"admin\",\"password\":\"pw-not-a-token\"}")).arn();
        }
    }

    @AfterAll
    static void stopMoto() throws InterruptedException {
        for (String property : CREDENTIAL_PROPERTIES) {
            String saved = savedProperties.get(property);
            if (saved == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, saved);
            }
        }
        if (moto != null) {
            moto.close();
        }
    }

    @BeforeEach
    void startInflux() throws Exception {
        influx = new FakeInfluxDb();
    }

    @AfterEach
    void stopInflux() {
        influx.close();
    }

    private Map<String, String> options(String secretArn) {
        Map<String, String> options = new HashMap<>();
        options.put("url", influx.url());
        options.put("database", "connect");
        options.put("measurement", "queue");
        options.put("tag.columns", "queue_id");
        options.put("token.secret-arn", secretArn);
        options.put("aws.region", REGION);
        options.put("secretsmanager.endpoint", moto.url());
        return options;
    }

    private InfluxDbSinkWriter<InfluxDbPoint> writer(String secretArn) {
        return new InfluxDbSinkWriter<>(
                (element, context) -> element,
                new TestWriterContext(),
                InfluxDbSinkConfig.fromOptions(Configuration.fromMap(options(secretArn))),
                Collections.emptyList());
    }

    @Test
    void aFlinkJobSendsTheTokenOfAJsonSecret() throws Exception {
        RowTypeInfo type = new RowTypeInfo(
                new TypeInformation<?>[] {Types.STRING, Types.LOCAL_DATE_TIME, Types.LONG},
                new String[] {"queue_id", "time", "calls"});
        LocalDateTime time = LocalDateTime.parse("2023-11-14T22:13:20");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromData(List.of(Row.of("q-1", time, 1L), Row.of("q-2", time, 2L), Row.of("q-3", time, 3L)), type)
                .sinkTo(InfluxDbSink.forRows(type, options(jsonArn)));
        env.execute("influxdb-secret-it");

        assertThat(influx.requests()).isNotEmpty().allSatisfy(r -> assertThat(r.authorization)
                .isEqualTo("Token json-token-2"));
        assertThat(influx.requests().stream().mapToInt(r -> r.lines.size()).sum()).isEqualTo(3);
    }

    @Test
    void aWriterSendsTheTokenOfAPlainSecret() throws Exception {
        InfluxDbSinkWriter<InfluxDbPoint> writer = writer(plainArn);
        try {
            SinkTesting.write(writer, InfluxDbPoint.valid("queue,queue_id=q-1 calls=1i 1700000000000", 1700000000000L));
            writer.flush(true);
        } finally {
            writer.close();
        }

        assertThat(influx.requests()).singleElement().satisfies(r -> {
            assertThat(r.authorization).isEqualTo("Token plain-token-1");
            assertThat(r.lines).containsExactly("queue,queue_id=q-1 calls=1i 1700000000000");
        });
    }

    @Test
    void aSecretThatCannotBeReadFailsTheWriterAtStartNamingTheOptionTheArnAndTheAwsError() {
        String missing = plainArn.replace(":secret:influxdb-token", ":secret:no-such-secret");

        assertThatThrownBy(() -> writer(missing))
                .isInstanceOf(SinkException.class)
                .hasMessageContaining("option 'token.secret-arn' = '" + missing + "'")
                .hasMessageContaining("ResourceNotFoundException")
                .hasMessageContaining("secretsmanager:GetSecretValue")
                .hasMessageContaining("'aws.region' (" + REGION + ")");
        assertThat(influx.requests()).isEmpty();
    }

    @Test
    void aSecretWithoutATokenFailsTheWriterAtStartWithoutShowingItsValues() {
        assertThatThrownBy(() -> writer(noTokenArn))
                .isInstanceOf(SinkException.class)
                .hasMessageContaining("option 'token.secret-arn' = '" + noTokenArn + "'")
                .hasMessageContaining("no \"token\" key (its keys: [username, password])")
                .hasMessageNotContaining("pw-not-a-token");
        assertThat(influx.requests()).isEmpty();
    }
}
