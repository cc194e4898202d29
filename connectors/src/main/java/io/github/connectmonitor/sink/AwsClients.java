package io.github.connectmonitor.sink;

import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

import java.time.Duration;

/** What the sinks' AWS SDK clients (Timestream's writes, InfluxDB's token secret) are built with alike. */
public final class AwsClients {

    private AwsClients() {}

    /**
     * The JDK's HttpURLConnection (no Netty, no Apache HttpClient in the jar), reads bounded by {@code
     * sink.request.timeout}, connecting by at most 10 s of it.
     */
    public static UrlConnectionHttpClient.Builder httpClient(Duration requestTimeout) {
        return UrlConnectionHttpClient.builder()
                .connectionTimeout(
                        requestTimeout.compareTo(Duration.ofSeconds(10)) < 0 ? requestTimeout : Duration.ofSeconds(10))
                .socketTimeout(requestTimeout);
    }
}
