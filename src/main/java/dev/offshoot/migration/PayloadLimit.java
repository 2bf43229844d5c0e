package dev.offshoot.migration;

import java.io.IOException;
import java.util.regex.Pattern;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.offshoot.config.MigrationProperties;
import dev.offshoot.web.ApiException;

/**
 * Stops reading a JSON body of the migration and SQL endpoints once it passes what the migration
 * limit can need (twice the limit, for JSON escaping, plus 64 KiB), announced or chunked, so a huge
 * body is never parsed into memory. The exact limit applies to the parsed migrations. Multipart
 * uploads are spooled to disk by the container and counted while they are read.
 */
@Configuration(proxyBeanMethods = false)
class PayloadLimit {

    private static final Pattern PATHS = Pattern.compile(
            "/api/v1/(branches/[^/]+/(migrations(/check)?|sql)|templates/[^/]+/migrations)");

    @Bean
    FilterRegistrationBean<OncePerRequestFilter> migrationPayloadLimit(MigrationProperties properties) {
        long allowed = 2 * properties.maxPayloadBytes() + 65_536;
        FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(
                new OncePerRequestFilter() {
                    @Override
                    protected boolean shouldNotFilter(HttpServletRequest request) {
                        String type = request.getContentType();
                        return type == null || !type.startsWith("application/json")
                                || !PATHS.matcher(request.getRequestURI()).matches();
                    }

                    @Override
                    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
                            FilterChain chain) throws ServletException, IOException {
                        chain.doFilter(new Limited(request, allowed, properties.maxPayloadBytes()), response);
                    }
                });
        registration.addUrlPatterns("/api/*");
        return registration;
    }

    private static final class Limited extends HttpServletRequestWrapper {

        private final long allowed;
        private final long limit;
        private ServletInputStream stream;

        Limited(HttpServletRequest request, long allowed, long limit) {
            super(request);
            this.allowed = allowed;
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new Counting(super.getInputStream());
            }
            return stream;
        }

        private ApiException tooLarge() {
            return new ApiException(HttpStatus.CONTENT_TOO_LARGE, "PAYLOAD_TOO_LARGE", "the request body exceeds what "
                    + limit + " bytes of migrations or SQL can take (offshoot.migration.max-payload-bytes)");
        }

        private final class Counting extends ServletInputStream {

            private final ServletInputStream in;
            private long read;

            Counting(ServletInputStream in) {
                this.in = in;
                if (getContentLengthLong() > allowed) {
                    throw tooLarge();
                }
            }

            @Override
            public int read() throws IOException {
                int b = in.read();
                count(b < 0 ? 0 : 1);
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = in.read(buffer, offset, length);
                count(Math.max(n, 0));
                return n;
            }

            private void count(int n) {
                read += n;
                if (read > allowed) {
                    throw tooLarge();
                }
            }

            @Override
            public boolean isFinished() {
                return in.isFinished();
            }

            @Override
            public boolean isReady() {
                return in.isReady();
            }

            @Override
            public void setReadListener(ReadListener listener) {
                in.setReadListener(listener);
            }
        }
    }
}
