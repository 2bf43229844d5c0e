package dev.offshoot.web;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.catalina.Container;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Requests Tomcat refuses before any filter runs (an encoded slash or a null byte in the path, a
 * malformed request line) are answered by the host's error report valve, which writes an HTML page.
 * This replaces that valve with one that writes the same problem document as everything else.
 */
@Component
class ContainerErrorPages implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        // the host adds its valve when it starts, just before it starts the context
        factory.addContextLifecycleListeners(event -> {
            if (Lifecycle.BEFORE_START_EVENT.equals(event.getType())
                    && event.getLifecycle() instanceof Container context && context.getParent() != null) {
                replaceValve(context.getParent());
            }
        });
    }

    private static void replaceValve(Container host) {
        for (Valve valve : host.getPipeline().getValves()) {
            if (valve instanceof ErrorReportValve && !(valve instanceof ProblemValve)) {
                host.getPipeline().removeValve(valve);
            }
        }
        if (!(host.getPipeline().getFirst() instanceof ProblemValve)) {
            host.getPipeline().addValve(new ProblemValve());
        }
    }

    /** Tomcat's error report as a problem document; the reason phrase only, never a stack trace. */
    static final class ProblemValve extends ErrorReportValve {

        private static final Logger log = LoggerFactory.getLogger(ProblemValve.class);

        @Override
        protected void report(Request request, Response response, Throwable throwable) {
            int code = response.getStatus();
            if (code < 400 || response.getContentWritten() > 0) {
                return;
            }
            AtomicBoolean ioAllowed = new AtomicBoolean(true);
            response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
            if (!ioAllowed.get()) {
                return;
            }
            HttpStatus status = HttpStatus.resolve(code) == null ? HttpStatus.BAD_REQUEST : HttpStatus.valueOf(code);
            try {
                response.resetBuffer();
                Problems.write(response.getResponse(), status, ErrorPages.codeOf(status), status.getReasonPhrase()
                        + (status == HttpStatus.BAD_REQUEST ? ": the request or its path is malformed" : ""));
            } catch (IOException | IllegalStateException e) {
                log.debug("could not write the error of a refused request", e);
            }
        }
    }
}
