package dev.offshoot;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One read of the service's /actuator/prometheus, as Prometheus would scrape it (with a read token). */
public record Scrape(String text) {

    public static Scrape of(int port, String token) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/prometheus"))
                .header("Authorization", "Bearer " + token).build();
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new AssertionError("scrape answered " + response.statusCode() + ": " + response.body());
            }
            return new Scrape(response.body());
        } catch (IOException e) {
            throw new AssertionError("scrape failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("scrape interrupted", e);
        }
    }

    /**
     * The value of one series, named as the scrape writes it ({@code name{tag="value",...}}, tags in
     * alphabetical order); 0 when the scrape does not have it (a meter made on first use).
     */
    public double value(String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
