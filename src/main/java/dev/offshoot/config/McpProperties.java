package dev.offshoot.config;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The MCP endpoint for coding agents.
 *
 * @param allowedOrigins browser origins allowed to call /mcp besides loopback ones (localhost,
 *                       127.0.0.1, [::1], any port) and the service's own IP origin; requests without
 *                       an Origin header (CLI agents) are always allowed, others are refused with 403
 *                       (DNS-rebinding defence, see mcp/OriginCheck)
 * @param keepAlive      interval of keep-alive pings on open streams; zero disables them
 * @param requestTimeout how long one tool call may take (migration checks build a throwaway branch)
 */
@ConfigurationProperties("offshoot.mcp")
public record McpProperties(
        @DefaultValue({}) List<String> allowedOrigins,
        @DefaultValue("30s") Duration keepAlive,
        @DefaultValue("10m") Duration requestTimeout) {
}
