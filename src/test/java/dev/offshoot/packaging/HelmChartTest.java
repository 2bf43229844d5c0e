package dev.offshoot.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** helm lint and helm template of helm/offshoot (Helm as a library), the manifests read as Kubernetes objects. */
class HelmChartTest {

    static final Path CHART = Path.of("helm/offshoot");
    static final KubernetesSerialization YAML = new KubernetesSerialization();

    @Test
    void chartLintsClean() {
        var result = new Helm(CHART).lint().strict().call();
        assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
    }

    @Test
    void probesUseTheHealthGroups() {
        Container offshoot = offshootContainer(render(Map.of()));
        assertThat(offshoot.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
        assertThat(offshoot.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/readiness");
        assertThat(offshoot.getStartupProbe().getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
        assertThat(offshoot.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
    }

    @Test
    void runsAsNonRootWithoutPrivilegeEscalation() {
        List<HasMetadata> objects = render(docker(Map.of()));
        var pod = one(objects, Deployment.class).getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(10001L);
        assertThat(pod.getSecurityContext().getSupplementalGroups()).containsExactly(999L);
        Container offshoot = offshootContainer(objects);
        assertThat(offshoot.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(offshoot.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(offshoot.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(one(objects, ServiceAccount.class).getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    }

    @Test
    void secretsReachThePodOnlyBySecretReference() {
        List<HasMetadata> objects = render(Map.of("auth.adminToken", "osh-admin-secret", "webhooks.githubSecret", "gh-secret"));
        Secret secret = named(objects, Secret.class, "t-offshoot");
        assertThat(decode(secret, "admin-token")).isEqualTo("osh-admin-secret");
        assertThat(decode(secret, "github-webhook-secret")).isEqualTo("gh-secret");
        Container offshoot = offshootContainer(objects);
        for (String name : List.of("OFFSHOOT_ADMIN_TOKEN", "OFFSHOOT_REAPER_GITHUB_SECRET", "OFFSHOOT_REAPER_GITLAB_TOKEN")) {
            EnvVar env = env(offshoot, name).orElseThrow(() -> new AssertionError(name + " missing"));
            assertThat(env.getValue()).as(name).isNull();
            assertThat(env.getValueFrom().getSecretKeyRef().getName()).as(name).isEqualTo("t-offshoot");
        }
        // the metadata password nobody gave is generated (the install hook below)
        assertThat(env(offshoot, "SPRING_DATASOURCE_PASSWORD").orElseThrow().getValueFrom().getSecretKeyRef().getName())
                .isEqualTo("t-offshoot-generated");
        // no secret value in the ConfigMap or anywhere but the Secret
        String manifests = new Helm(CHART).template().withName("t").set("auth.adminToken", "osh-admin-secret").call();
        assertThat(manifests.split("osh-admin-secret", -1)).hasSize(1);
    }

    @Test
    void generatedAdminTokenWhenNoneIsGivenOnlyAtInstall() {
        List<HasMetadata> objects = render(Map.of());
        // the generated Secret is a pre-install hook, not part of the release's manifest: an upgrade
        // neither re-renders (new random values) nor deletes it (helm-java's template returns the
        // manifest without hooks, as helm template --no-hooks does)
        assertThat(all(objects, Secret.class)).extracting(s -> s.getMetadata().getName()).containsExactly("t-offshoot");
        assertThat(env(offshootContainer(objects), "OFFSHOOT_ADMIN_TOKEN").orElseThrow()
                .getValueFrom().getSecretKeyRef().getName()).isEqualTo("t-offshoot-generated");
        assertThat(named(objects, Secret.class, "t-offshoot").getData()).doesNotContainKey("admin-token");
    }

    @Test
    void existingSecretReplacesTheChartsSecret() {
        List<HasMetadata> objects = render(Map.of("auth.existingSecret", "my-offshoot"));
        assertThat(objects).noneMatch(Secret.class::isInstance);
        assertThat(env(offshootContainer(objects), "OFFSHOOT_ADMIN_TOKEN").orElseThrow()
                .getValueFrom().getSecretKeyRef().getName()).isEqualTo("my-offshoot");
        StatefulSet metadata = one(objects, StatefulSet.class);
        assertThat(metadata.getSpec().getTemplate().getSpec().getContainers().getFirst().getEnv())
                .anyMatch(e -> e.getName().equals("POSTGRES_PASSWORD")
                        && e.getValueFrom().getSecretKeyRef().getName().equals("my-offshoot"));
    }

    @Test
    void bundledMetadataStoreByDefault() {
        List<HasMetadata> objects = render(Map.of());
        StatefulSet metadata = one(objects, StatefulSet.class);
        assertThat(metadata.getSpec().getVolumeClaimTemplates()).hasSize(1);
        assertThat(configValue(objects, "SPRING_DATASOURCE_URL"))
                .isEqualTo("jdbc:postgresql://t-offshoot-metadata:5432/offshoot");
    }

    @Test
    void externalMetadataStoreDropsTheStatefulSet() {
        List<HasMetadata> objects = render(Map.of("metadata.bundled.enabled", "false",
                "metadata.external.url", "jdbc:postgresql://db.example:5432/offshoot", "metadata.external.password", "pw"));
        assertThat(objects).noneMatch(StatefulSet.class::isInstance);
        assertThat(objects).noneMatch(o -> o.getMetadata().getName().endsWith("-metadata"));
        assertThat(configValue(objects, "SPRING_DATASOURCE_URL")).isEqualTo("jdbc:postgresql://db.example:5432/offshoot");
        assertThat(decode(one(objects, Secret.class), "metadata-password")).isEqualTo("pw");
        assertThat(env(offshootContainer(objects), "SPRING_DATASOURCE_PASSWORD").orElseThrow()
                .getValueFrom().getSecretKeyRef().getName()).isEqualTo("t-offshoot");
    }

    @Test
    void externalMetadataStoreNeedsItsUrlAndPassword() {
        assertThatThrownBy(() -> render(Map.of("metadata.bundled.enabled", "false", "metadata.external.password", "pw")))
                .hasMessageContaining("metadata.external.url is required");
        assertThatThrownBy(() -> render(Map.of("metadata.bundled.enabled", "false",
                "metadata.external.url", "jdbc:postgresql://db.example:5432/offshoot")))
                .hasMessageContaining("metadata.external.password (or auth.existingSecret) is required");
    }

    @Test
    void serviceMonitorOnlyWhenEnabled() {
        assertThat(render(Map.of())).noneMatch(o -> o.getKind().equals("ServiceMonitor"));
        List<HasMetadata> objects = render(Map.of("serviceMonitor.enabled", "true", "serviceMonitor.tokenSecret.name", "prom-token"));
        GenericKubernetesResource monitor = (GenericKubernetesResource) objects.stream()
                .filter(o -> o.getKind().equals("ServiceMonitor")).findFirst().orElseThrow();
        Map<String, Object> endpoint = monitor.get("spec", "endpoints", 0);
        assertThat(endpoint).containsEntry("path", "/actuator/prometheus").containsEntry("port", "http");
        assertThat(monitor.<String>get("spec", "endpoints", 0, "authorization", "credentials", "name")).isEqualTo("prom-token");
    }

    @Test
    void alertRulesOnlyWhenEnabledAndOnlyOnMetricsTheServiceExports() throws java.io.IOException {
        assertThat(render(Map.of())).noneMatch(o -> o.getKind().equals("PrometheusRule"));
        List<HasMetadata> objects = render(Map.of("prometheusRule.enabled", "true",
                "prometheusRule.labels.release", "kube-prometheus-stack", "prometheusRule.storageFreeRatio", "0.05"));
        GenericKubernetesResource rule = (GenericKubernetesResource) objects.stream()
                .filter(o -> o.getKind().equals("PrometheusRule")).findFirst().orElseThrow();
        assertThat(rule.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
        List<Map<String, Object>> rules = rule.get("spec", "groups", 0, "rules");
        assertThat(rules).extracting(r -> r.get("alert"))
                .containsExactly("OffshootStorageFilling", "OffshootCreatesFailing", "OffshootReconcilerBehind");
        assertThat((String) rules.getFirst().get("expr")).endsWith("< 0.05");
        java.util.Set<String> exported = DashboardTest.offshootMetersInSources();
        for (Map<String, Object> r : rules) {
            assertThat(Dashboard.metricNames((String) r.get("expr"))).as((String) r.get("alert")).isNotEmpty()
                    .isSubsetOf(exported);
        }
    }

    @Test
    void networkPoliciesAdmitTheApiAndGatewayPortsAndKeepTheMetadataStoreToOffshoot() {
        List<HasMetadata> objects = render(docker(Map.of("docker.hostNetwork", "false")));
        List<NetworkPolicy> policies = all(objects, NetworkPolicy.class);
        assertThat(policies).hasSize(2);
        NetworkPolicy api = policies.stream().filter(p -> p.getMetadata().getName().equals("t-offshoot")).findFirst().orElseThrow();
        assertThat(api.getSpec().getIngress().getFirst().getPorts()).extracting(p -> p.getPort().getIntVal())
                .containsExactly(8080, 15432);
        NetworkPolicy metadata = policies.stream().filter(p -> p.getMetadata().getName().endsWith("-metadata")).findFirst().orElseThrow();
        assertThat(metadata.getSpec().getIngress().getFirst().getFrom().getFirst().getPodSelector().getMatchLabels())
                .containsEntry("app.kubernetes.io/component", "service");
        assertThat(render(Map.of("networkPolicy.enabled", "false"))).noneMatch(NetworkPolicy.class::isInstance);

        // a hostNetwork pod connects from its node: the metadata store admits the nodes' CIDR only
        NetworkPolicy hostNetwork = named(render(docker(Map.of("networkPolicy.nodeCidr", "192.168.10.0/24"))),
                NetworkPolicy.class, "t-offshoot-metadata");
        assertThat(hostNetwork.getSpec().getIngress().getFirst().getFrom().getFirst().getIpBlock().getCidr())
                .isEqualTo("192.168.10.0/24");
    }

    @Test
    void dockerSocketAndStoragePathAreMountedAtTheNodesPaths() {
        List<HasMetadata> objects = render(docker(Map.of()));
        var pod = one(objects, Deployment.class).getSpec().getTemplate().getSpec();
        assertThat(pod.getHostNetwork()).isTrue();
        assertThat(pod.getVolumes()).anyMatch(v -> v.getHostPath() != null
                && v.getHostPath().getPath().equals("/var/run/docker.sock") && v.getHostPath().getType().equals("Socket"));
        assertThat(pod.getVolumes()).anyMatch(v -> v.getHostPath() != null
                && v.getHostPath().getPath().equals("/var/lib/offshoot/storage"));
        assertThat(offshootContainer(objects).getVolumeMounts())
                .anyMatch(m -> m.getMountPath().equals("/var/lib/offshoot/storage"));

        List<HasMetadata> remote = render(docker(Map.of("docker.socket.enabled", "false", "docker.host",
                "tcp://engine:2376")));
        var remotePod = one(remote, Deployment.class).getSpec().getTemplate().getSpec();
        assertThat(remotePod.getVolumes()).noneMatch(v -> v.getName().equals("docker-socket"));
        assertThat(configValue(remote, "DOCKER_HOST")).isEqualTo("tcp://engine:2376");
    }

    /** The values with runtime.type=docker: today's layout beside a Docker engine. */
    static Map<String, String> docker(Map<String, String> values) {
        Map<String, String> all = new java.util.LinkedHashMap<>(values);
        all.put("runtime.type", "docker");
        return all;
    }

    @Test
    void theGatewayHasAServiceOfItsOwnLoadBalancerByDefaultOrNodePort() {
        List<HasMetadata> objects = render(Map.of());
        var gateway = named(objects, io.fabric8.kubernetes.api.model.Service.class, "t-offshoot-gateway");
        assertThat(gateway.getSpec().getType()).isEqualTo("LoadBalancer");
        assertThat(gateway.getSpec().getPorts().getFirst().getPort()).isEqualTo(15432);
        assertThat(gateway.getSpec().getPorts().getFirst().getTargetPort().getStrVal()).isEqualTo("postgres");
        assertThat(offshootContainer(objects).getPorts()).anyMatch(p -> p.getName().equals("postgres")
                && p.getContainerPort() == 15432);
        assertThat(offshootContainer(objects).getEnv()).anyMatch(e -> e.getName().equals("OFFSHOOT_GATEWAY_PORT")
                && e.getValue().equals("15432"));

        List<HasMetadata> nodePort = render(Map.of("gateway.service.type", "NodePort",
                "gateway.service.nodePort", "30432", "gateway.service.port", "5432", "gateway.domain", "db.example.com"));
        var service = named(nodePort, io.fabric8.kubernetes.api.model.Service.class, "t-offshoot-gateway");
        assertThat(service.getSpec().getType()).isEqualTo("NodePort");
        assertThat(service.getSpec().getPorts().getFirst().getNodePort()).isEqualTo(30432);
        assertThat(offshootContainer(nodePort).getEnv()).anyMatch(e -> e.getName().equals("OFFSHOOT_GATEWAY_DOMAIN")
                && e.getValue().equals("db.example.com"))
                .anyMatch(e -> e.getName().equals("OFFSHOOT_GATEWAY_ADVERTISED_PORT") && e.getValue().equals("5432"));
    }

    @Test
    void anOperatorsCertificateIsMountedFromItsSecret() {
        List<HasMetadata> objects = render(Map.of("gateway.tls.existingSecret", "gw-cert"));
        var pod = one(objects, Deployment.class).getSpec().getTemplate().getSpec();
        assertThat(pod.getVolumes()).anyMatch(v -> v.getSecret() != null
                && v.getSecret().getSecretName().equals("gw-cert"));
        assertThat(offshootContainer(objects).getEnv()).anyMatch(e -> e.getName()
                .equals("OFFSHOOT_GATEWAY_TLS_CERTIFICATE_FILE") && e.getValue().equals("/etc/offshoot/gateway-tls/tls.crt"));
    }

    static List<HasMetadata> render(Map<String, String> values) {
        TemplateCommand template = new Helm(CHART).template().withName("t");
        values.forEach(template::set);
        return Arrays.stream(template.call().split("(?m)^---\\s*$"))
                .filter(doc -> doc.lines().anyMatch(line -> line.startsWith("kind:")))
                .map(doc -> (HasMetadata) YAML.unmarshal(doc))
                .toList();
    }

    static <T> List<T> all(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    static <T> T one(List<HasMetadata> objects, Class<T> type) {
        List<T> found = all(objects, type);
        assertThat(found).as(type.getSimpleName()).hasSize(1);
        return found.getFirst();
    }

    static <T extends HasMetadata> T named(List<HasMetadata> objects, Class<T> type, String name) {
        return all(objects, type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
    }

    static Container offshootContainer(List<HasMetadata> objects) {
        return one(objects, Deployment.class).getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> c.getName().equals("offshoot")).findFirst().orElseThrow();
    }

    static Optional<EnvVar> env(Container container, String name) {
        return container.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst();
    }

    static String configValue(List<HasMetadata> objects, String key) {
        return one(objects, io.fabric8.kubernetes.api.model.ConfigMap.class).getData().get(key);
    }

    static String decode(Secret secret, String key) {
        return new String(java.util.Base64.getDecoder().decode(secret.getData().get(key)));
    }
}
