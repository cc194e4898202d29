package io.github.connectmonitor.influxdb;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The token's two sources and the secret string's two forms; nothing here calls AWS. */
class InfluxDbTokenTest {

    private static final String ARN = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:influxdb-token-AbCdEf";

    private static InfluxDbSinkConfig config(String... keyValues) {
        Map<String, String> options = new HashMap<>();
        options.put("url", "http://127.0.0.1:8086");
        options.put("database", "connect");
        for (int i = 0; i < keyValues.length; i += 2) {
            options.put(keyValues[i], keyValues[i + 1]);
        }
        return InfluxDbSinkConfig.fromOptions(Configuration.fromMap(options));
    }

    @Test
    void theSecretStringIsTheTokenItself() {
        assertThat(InfluxDbToken.fromSecretString("s3cret-token==")).isEqualTo("s3cret-token==");
        assertThat(InfluxDbToken.fromSecretString("  s3cret-token==\n")).isEqualTo("s3cret-token==");
    }

    @Test
    void orAJsonObjectWithATokenKeyBesideOtherCredentials() {
        assertThat(InfluxDbToken.fromSecretString("{\"token\":\"s3cret-token==\"}")).isEqualTo("s3cret-token==");
        assertThat(InfluxDbToken.fromSecretString(
                        " {\"username\":\"admin\",\"password\":\"pw\",\"organization\":\"o\",\"token\":\"abc\"} "))
                .isEqualTo("abc");
    }

    @Test
    void aSecretWithoutAUsableTokenIsRefusedWithoutShowingItsValues() {
        assertThatThrownBy(() -> InfluxDbToken.fromSecretString("   ")).hasMessage("the secret string is empty");
        assertThatThrownBy(() -> InfluxDbToken.fromSecretString(null)).hasMessage("the secret string is empty");
        assertThatThrownBy(() -> InfluxDbToken.fromSecretString("{\"username\":\"admin\",\"password\":\"pw\"}"))
                .hasMessage("its JSON object has no \"token\" key (its keys: [username, password])")
                .hasMessageNotContaining("pw");
        assertThatThrownBy(() -> InfluxDbToken.fromSecretString("{\"token\": 42}"))
                .hasMessage("its \"token\" is not a non-empty string");
        assertThatThrownBy(() -> InfluxDbToken.fromSecretString("{\"token\":\" \"}"))
                .hasMessage("its \"token\" is not a non-empty string");
        assertThatThrownBy(() -> InfluxDbToken.fromSecretString("{token: s3cret"))
                .hasMessage("it starts with '{' but is not a JSON object")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void tokenAndTokenSecretArnAreMutuallyExclusive() {
        assertThatThrownBy(() -> config("token", "s3cret", "token.secret-arn", ARN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Set either 'token' or 'token.secret-arn', not both: 'token' is the token itself, "
                        + "'token.secret-arn' the Secrets Manager secret that holds it.");
    }

    @Test
    void theSecretArnAndItsClientOptionsAreChecked() {
        assertThatThrownBy(() -> config("token.secret-arn", "influxdb-token"))
                .hasMessageStartingWith("Option 'token.secret-arn' = 'influxdb-token' must be the ARN of a Secrets "
                        + "Manager secret");
        assertThatThrownBy(() -> config("token.secret-arn", ARN, "secretsmanager.endpoint", "127.0.0.1:5000"))
                .hasMessage("Option 'secretsmanager.endpoint' = '127.0.0.1:5000' must look like http://host:port.");
        assertThatThrownBy(() -> config("aws.region", "eu-west-2"))
                .hasMessage("Option 'aws.region' is only used to read 'token.secret-arn'; set that too, or leave "
                        + "'aws.region' out.");
        assertThatThrownBy(() -> config("secretsmanager.endpoint", "http://127.0.0.1:5000"))
                .hasMessageStartingWith("Option 'secretsmanager.endpoint' is only used to read 'token.secret-arn'");
    }

    @Test
    void withoutASecretTheTokenOptionIsTheToken() {
        assertThat(InfluxDbToken.resolve(config("token", " s3cret "))).isEqualTo("s3cret");
        assertThat(InfluxDbToken.resolve(config())).isNull();
    }

    @Test
    void theConfigNamesTheSecretButNeverTheToken() {
        InfluxDbSinkConfig fromSecret =
                config("token.secret-arn", ARN, "aws.region", "eu-west-2",
                        "secretsmanager.endpoint", "http://127.0.0.1:5000");
        assertThat(fromSecret.toString()).contains("token=from " + ARN);
        assertThat(fromSecret.awsRegion()).isEqualTo("eu-west-2");
        assertThat(fromSecret.secretsManagerEndpoint()).isEqualTo("http://127.0.0.1:5000");
        assertThat(config("token", "s3cret").toString()).contains("token=set").doesNotContain("s3cret");
    }
}
