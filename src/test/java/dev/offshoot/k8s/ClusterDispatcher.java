package dev.offshoot.k8s;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * fabric8's CRUD dispatcher (the API server's objects, lists and watches) plus what it lacks: a
 * Pod's exec and log subresources, served from the container the fake kubelet runs for the Pod.
 * Every request that is not the fake kubelet's own is recorded as the RBAC verb, resource and
 * subresource it needs, so that tests can compare the calls the runtime makes with a Role.
 */
public final class ClusterDispatcher extends Dispatcher {

    static final String KUBELET_AGENT = "offshoot-fake-kubelet";
    private static final Pattern SUBRESOURCE = Pattern.compile(
            "^/api/v1/namespaces/[^/]+/pods/([^/?]+)/(exec|log)(?:\\?(.*))?$");
    /** A Pod's events by the field selector the API server serves for them (the mock ignores it). */
    private static final Pattern EVENTS_OF = Pattern.compile(
            "^(/api/v1/namespaces/[^/]+/events)\\?(?:.*&)?fieldSelector=involvedObject\\.name(?:%3D|=)([^&]+)(?:&.*)?$");
    private static final io.fabric8.kubernetes.client.utils.KubernetesSerialization JSON =
            new io.fabric8.kubernetes.client.utils.KubernetesSerialization();
    private static final Pattern RESOURCE = Pattern.compile(
            "^/apis?/(?:([^/]+)/)?v1/namespaces/[^/]+/([^/?]+)(?:/([^/?]+))?(?:/([^/?]+))?(?:\\?(.*))?$");

    private final KubernetesCrudDispatcher crud;
    private final Engine engine;
    private final Function<String, Optional<String>> containerOf;
    private final Queue<Call> calls = new ConcurrentLinkedQueue<>();

    /** A request as RBAC sees it. */
    public record Call(String verb, String group, String resource, String subresource) {

        public String rule() {
            return (group.isEmpty() ? "" : group + "/") + resource + (subresource.isEmpty() ? "" : "/" + subresource)
                    + ":" + verb;
        }
    }

    ClusterDispatcher(KubernetesCrudDispatcher crud, Engine engine, Function<String, Optional<String>> containerOf) {
        this.crud = crud;
        this.engine = engine;
        this.containerOf = containerOf;
    }

    List<Call> calls() {
        return new ArrayList<>(calls);
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String path = request.getPath();
        if (!KUBELET_AGENT.equals(request.getHeader("User-Agent"))) {
            record(request.getMethod(), path);
        }
        Matcher events = EVENTS_OF.matcher(path);
        if (events.matches() && "GET".equals(request.getMethod()) && !path.contains("watch=true")) {
            return eventsOf(request, events.group(1), URLDecoder.decode(events.group(2), StandardCharsets.UTF_8));
        }
        Matcher sub = SUBRESOURCE.matcher(path);
        if (!sub.matches()) {
            MockResponse answer = crud.dispatch(request);
            WebSocketListener watch = answer.getWebSocketListener();
            return watch == null ? answer : answer.withWebSocketUpgrade(new ClosedOffTheEventLoop(watch));
        }
        Optional<String> container = containerOf.apply(sub.group(1));
        if (container.isEmpty()) {
            return new MockResponse().setResponseCode(404).setBody("{\"kind\":\"Status\",\"status\":\"Failure\","
                    + "\"reason\":\"NotFound\",\"code\":404}");
        }
        List<String> query = params(sub.group(3));
        if (sub.group(2).equals("exec")) {
            return new MockResponse().withWebSocketUpgrade(new ExecSession(engine, container.get(),
                    values(query, "command")));
        }
        List<String> tail = values(query, "tailLines");
        return new MockResponse().setResponseCode(200).setHeader("Content-Type", "text/plain")
                .setBody(engine.logs(container.get(), tail.isEmpty() ? 100 : Integer.parseInt(tail.getFirst())));
    }

    private MockResponse eventsOf(RecordedRequest request, String listPath, String object) {
        MockResponse all = crud.dispatch(new RecordedRequest(request.getHttpVersion(), request.method(), listPath,
                request.getHeaders(), request.getBody()));
        if (all.code() != 200) {
            return all;
        }
        var list = JSON.unmarshal(all.getBody().readUtf8(), io.fabric8.kubernetes.api.model.EventList.class);
        list.setItems(list.getItems().stream().filter(e -> e.getInvolvedObject() != null
                && object.equals(e.getInvolvedObject().getName())).toList());
        return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json")
                .setBody(JSON.asJson(list));
    }

    private void record(String method, String path) {
        Matcher m = RESOURCE.matcher(path);
        if (!m.matches()) {
            return;
        }
        String group = m.group(1) == null ? "" : m.group(1);
        boolean named = m.group(3) != null;
        String subresource = m.group(4) == null ? "" : m.group(4);
        boolean watch = m.group(5) != null && m.group(5).contains("watch=true");
        String verb = switch (method) {
            case "GET" -> subresource.equals("exec") ? "create" : watch ? "watch" : named ? "get" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> method.toLowerCase();
        };
        calls.add(new Call(verb, group, m.group(2), subresource));
    }

    private static List<String> params(String query) {
        List<String> out = new ArrayList<>();
        if (query != null) {
            for (String pair : query.split("&")) {
                out.add(URLDecoder.decode(pair, StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static List<String> values(List<String> params, String name) {
        return params.stream().filter(p -> p.startsWith(name + "=")).map(p -> p.substring(name.length() + 1)).toList();
    }

    /**
     * A watch whose end is handled off the server's event loop. fabric8's watch listener waits, when
     * its socket closes or fails, for its own sender to finish; a sender in the middle of an event
     * waits for the event loop to write it, so waiting on that loop stalled the whole mock server for
     * 30 s (every client's calls timed out) whenever a client closed a watch while an event was on
     * its way. Everything else is passed through as it comes.
     */
    private static final class ClosedOffTheEventLoop extends WebSocketListener {

        private final WebSocketListener watch;

        ClosedOffTheEventLoop(WebSocketListener watch) {
            this.watch = watch;
        }

        @Override
        public void onBeforeAccept(WebSocket socket, io.fabric8.mockwebserver.http.Response response) {
            watch.onBeforeAccept(socket, response);
        }

        @Override
        public void onOpen(WebSocket socket, io.fabric8.mockwebserver.http.Response response) {
            watch.onOpen(socket, response);
        }

        @Override
        public void onMessage(WebSocket socket, String text) {
            watch.onMessage(socket, text);
        }

        @Override
        public void onMessage(WebSocket socket, io.fabric8.mockwebserver.http.ByteString bytes) {
            watch.onMessage(socket, bytes);
        }

        @Override
        public void onMessage(WebSocket socket, byte[] bytes) {
            watch.onMessage(socket, bytes);
        }

        @Override
        public void onPing(WebSocket socket, byte[] bytes) {
            watch.onPing(socket, bytes);
        }

        @Override
        public void onClosing(WebSocket socket, int code, String reason) {
            watch.onClosing(socket, code, reason);
        }

        @Override
        public void onClosed(WebSocket socket, int code, String reason) {
            Thread.ofVirtual().start(() -> watch.onClosed(socket, code, reason));
        }

        @Override
        public void onFailure(WebSocket socket, Throwable failure, io.fabric8.mockwebserver.http.Response response) {
            Thread.ofVirtual().start(() -> watch.onFailure(socket, failure, response));
        }
    }
}
