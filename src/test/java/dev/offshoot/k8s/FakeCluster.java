package dev.offshoot.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

import dev.offshoot.TestDocker;

/**
 * The most real stand-in for a cluster these machines have: fabric8's mock API server in CRUD
 * mode (real API shapes, lists and watches), with the VolumeSnapshot CRD, Pod exec and logs, and
 * a {@link FakeKubelet} that plays the kubelet and the CSI driver. What it does not prove: a
 * scheduler, admission (Pod Security), RBAC enforcement, a real CSI driver's copy-on-write, a
 * network (Pod addresses are Docker's bridge addresses, reachable from this host).
 */
public final class FakeCluster implements AutoCloseable {

    public static final String NAMESPACE = "offshoot";
    /** The mock server logs every request at INFO through java.util.logging; held so the level sticks. */
    private static final java.util.logging.Logger MOCK_LOG = quiet("io.fabric8.mockwebserver");
    private static FakeCluster shared;

    private final KubernetesMockServer server;
    private final ClusterDispatcher dispatcher;
    private final FakeKubelet kubelet;
    private final KubernetesClient kubeletClient;
    private final Path root;
    private final Path kubeconfig;

    public FakeCluster(Engine engine, Path root) {
        this.root = root;
        KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher();
        crud.expectCustomResource(new CustomResourceDefinitionContext.Builder()
                .withGroup("snapshot.storage.k8s.io").withVersion("v1").withKind("VolumeSnapshot")
                .withPlural("volumesnapshots").withScope("Namespaced").build());
        FakeKubelet[] late = new FakeKubelet[1];
        this.dispatcher = new ClusterDispatcher(crud, engine, pod -> late[0] == null ? java.util.Optional.empty()
                : late[0].containerOf(pod));
        this.server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init();
        Config config = server.createClient().getConfiguration();
        config.setUserAgent(ClusterDispatcher.KUBELET_AGENT);
        config.setNamespace(NAMESPACE);
        this.kubeletClient = new KubernetesClientBuilder().withConfig(config).build();
        this.kubelet = new FakeKubelet(kubeletClient, NAMESPACE, engine, root);
        late[0] = kubelet;
        this.kubeconfig = writeKubeconfig(server.url("/").replaceAll("/$", ""));
    }

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
        logger.setLevel(java.util.logging.Level.WARNING);
        return logger;
    }

    /** One cluster for the integration tests of a JVM, on the local Docker engine. */
    public static synchronized FakeCluster shared() {
        if (shared == null) {
            Path base = Files.isWritable(TestDocker.storagePath()) ? TestDocker.storagePath()
                    : Path.of(System.getProperty("java.io.tmpdir"));
            shared = new FakeCluster(new DockerEngine(), base.resolve("fake-cluster-" + UUID.randomUUID()
                    .toString().substring(0, 8)));
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    /**
     * Where the fake cluster's Pods (containers on Docker's default bridge) reach the service that
     * runs on this host: the bridge's gateway, as a cluster's Pods reach the service's Pod at its IP.
     */
    public static String serviceHost() {
        return TestDocker.client().inspectNetworkCmd().withNetworkId("bridge").exec().getIpam().getConfig()
                .getFirst().getGateway();
    }

    /** A kubeconfig that points at the mock API server, as a service outside the cluster would read. */
    public String kubeconfig() {
        return kubeconfig.toString();
    }

    /** A client for assertions (its calls are not recorded as the runtime's). */
    public KubernetesClient client() {
        return kubeletClient;
    }

    /** Every call the service made, as RBAC rules. */
    public List<ClusterDispatcher.Call> calls() {
        return dispatcher.calls();
    }

    /** Deletes every Pod, claim, snapshot, Secret and record of a service instance (its containers and data go). */
    public void removeEverythingOf(String instanceId) {
        var labelled = java.util.Map.of("offshoot.instance", instanceId);
        kubeletClient.pods().withLabels(labelled).delete();
        kubeletClient.configMaps().withLabels(labelled).delete();
        kubeletClient.secrets().withLabels(labelled).delete();
        kubeletClient.genericKubernetesResources(FakeKubelet.SNAPSHOTS).withLabels(labelled).delete();
        kubeletClient.persistentVolumeClaims().withLabels(labelled).delete();
    }

    public Path claimDir(String claim) {
        return kubelet.claimDir(claim);
    }

    private static Path writeKubeconfig(String url) {
        try {
            Path file = Files.createTempFile("offshoot-fake-kubeconfig", ".yaml");
            Files.writeString(file, """
                    apiVersion: v1
                    kind: Config
                    clusters:
                    - name: fake
                      cluster:
                        server: %s
                    users:
                    - name: offshoot
                      user:
                        token: fake-token
                    contexts:
                    - name: fake
                      context:
                        cluster: fake
                        user: offshoot
                        namespace: %s
                    current-context: fake
                    """.formatted(url, NAMESPACE));
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        kubelet.close();
        kubeletClient.close();
        server.destroy();
        FakeKubelet.delete(root);
    }
}
