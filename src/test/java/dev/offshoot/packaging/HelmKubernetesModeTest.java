package dev.offshoot.packaging;

import static dev.offshoot.packaging.HelmChartTest.all;
import static dev.offshoot.packaging.HelmChartTest.configValue;
import static dev.offshoot.packaging.HelmChartTest.named;
import static dev.offshoot.packaging.HelmChartTest.offshootContainer;
import static dev.offshoot.packaging.HelmChartTest.one;
import static dev.offshoot.packaging.HelmChartTest.render;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.marcnuri.helm.Helm;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;

import dev.offshoot.k8s.ClusterDispatcher;

/**
 * The chart's default, runtime.type=kubernetes: no Docker socket, hostNetwork or hostPath; every Pod
 * (the chart's and those the runtime makes) passes Pod Security "restricted"; the Role grants what
 * the runtime calls (recorded on the mock API server) and nothing else.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HelmKubernetesModeTest {

    List<HasMetadata> objects;
    KubernetesWorkout.Result workout;

    @BeforeAll
    void renderAndExercise() throws Exception {
        objects = render(Map.of());
        workout = KubernetesWorkout.run();
    }

    @Test
    void needsNoDockerSocketHostNetworkOrHostPath() {
        String manifests = new Helm(HelmChartTest.CHART).template().withName("t").call().lines()
                .filter(line -> !line.strip().startsWith("#")).collect(Collectors.joining("\n"));
        assertThat(manifests).doesNotContain("docker.sock").doesNotContain("hostPath").doesNotContain("hostNetwork");
        for (PodSpec pod : podSpecs(objects)) {
            assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
            assertThat(pod.getVolumes()).allMatch(v -> v.getHostPath() == null);
        }
        assertThat(configValue(objects, "OFFSHOOT_RUNTIME_TYPE")).isEqualTo("kubernetes");
        // the release's namespace; empty (helm template without one) leaves the service's own
        assertThat(configValue(objects, "OFFSHOOT_KUBERNETES_NAMESPACE")).isNotNull();
        var pod = one(objects, Deployment.class).getSpec().getTemplate().getSpec();
        assertThat(pod.getAutomountServiceAccountToken()).as("the runtime calls the API").isTrue();
    }

    @Test
    void runsTwoReplicasWithADisruptionBudgetAndExposesTheGateway() {
        assertThat(one(objects, Deployment.class).getSpec().getReplicas()).isEqualTo(2);
        assertThat(one(objects, PodDisruptionBudget.class).getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
        Service gateway = named(objects, Service.class, "t-offshoot-gateway");
        assertThat(gateway.getSpec().getType()).isEqualTo("LoadBalancer");
        assertThat(gateway.getSpec().getPorts().getFirst().getPort()).isEqualTo(15432);
        assertThat(offshootContainer(objects).getPorts()).anyMatch(p -> p.getContainerPort() == 15432);

        Service nodePort = named(render(Map.of("gateway.service.type", "NodePort", "gateway.service.nodePort", "30432")),
                Service.class, "t-offshoot-gateway");
        assertThat(nodePort.getSpec().getPorts().getFirst().getNodePort()).isEqualTo(30432);
        assertThat(render(Map.of("replicaCount", "1"))).noneMatch(PodDisruptionBudget.class::isInstance);
        assertThat(render(Map.of("ingress.enabled", "true"))).anyMatch(o -> o.getKind().equals("Ingress"));
    }

    @Test
    void onlyTheServicesPodsReachBranchPodsWhichReachNothing() {
        NetworkPolicy branches = named(objects, NetworkPolicy.class, "t-offshoot-branches");
        assertThat(branches.getSpec().getPodSelector().getMatchLabels()).containsEntry("offshoot.kind", "branch");
        assertThat(branches.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
        assertThat(branches.getSpec().getEgress()).isNullOrEmpty();
        var ingress = branches.getSpec().getIngress().getFirst();
        assertThat(ingress.getPorts().getFirst().getPort().getIntVal()).isEqualTo(5432);
        assertThat(ingress.getFrom()).singleElement().satisfies(peer -> assertThat(peer.getPodSelector()
                .getMatchLabels()).containsEntry("app.kubernetes.io/component", "service"));
    }

    @Test
    void everyPodOfTheChartAndOfTheRuntimePassesPodSecurityRestricted() {
        List<PodSpec> pods = new ArrayList<>(podSpecs(objects));
        workout.pods().forEach(p -> pods.add(p.getSpec()));
        assertThat(workout.pods()).as("branch Pods made by the runtime").isNotEmpty();
        for (PodSpec pod : pods) {
            assertThat(RestrictedProfile.violations(pod)).isEmpty();
        }
        // the checker itself refuses what restricted refuses
        PodSpec privileged = workout.pods().getFirst().getSpec().toBuilder().editFirstContainer().editSecurityContext()
                .withPrivileged(true).withAllowPrivilegeEscalation(true).endSecurityContext().endContainer().build();
        assertThat(RestrictedProfile.violations(privileged)).isNotEmpty();
    }

    @Test
    void theRoleGrantsExactlyTheCallsTheRuntimeMakes() {
        Set<String> made = workout.calls().stream().map(ClusterDispatcher.Call::rule)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> granted = new TreeSet<>();
        for (var rule : one(objects, Role.class).getRules()) {
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    for (String verb : rule.getVerbs()) {
                        granted.add((group.isEmpty() ? "" : group + "/") + resource + ":" + verb);
                    }
                }
            }
        }
        assertThat(made).isSubsetOf(granted);
        // API servers before 1.31 authorise an exec's WebSocket upgrade as "get" on pods/exec
        Set<String> unused = new TreeSet<>(granted);
        unused.removeAll(made);
        assertThat(unused).containsExactlyInAnyOrder("pods/exec:get");
        assertThat(workout.calls()).allMatch(c -> !c.resource().isEmpty());
    }

    @Test
    void valuesOutsideTheSchemaAreRefused() {
        assertThatThrownBy(() -> render(Map.of("runtime.type", "podman"))).hasMessageContaining("runtime.type");
        assertThatThrownBy(() -> render(Map.of("gateway.port", "70000"))).hasMessageContaining("gateway.port");
        assertThatThrownBy(() -> render(Map.of("replicaCount", "0"))).hasMessageContaining("replicaCount");
    }

    @Test
    void dockerModeKeepsOneReplicaBesideItsEngineAndNoRole() {
        List<HasMetadata> docker = render(HelmChartTest.docker(Map.of()));
        assertThat(one(docker, Deployment.class).getSpec().getReplicas()).isEqualTo(1);
        assertThat(docker).noneMatch(Role.class::isInstance).noneMatch(PodDisruptionBudget.class::isInstance);
        // one gateway Service in either mode: the gateway fronts branches on Docker too
        assertThat(all(docker, Service.class)).extracting(s -> s.getMetadata().getName()).containsOnlyOnce("t-offshoot-gateway");
        assertThat(configValue(docker, "OFFSHOOT_RUNTIME_TYPE")).isEqualTo("docker");
    }

    private static List<PodSpec> podSpecs(List<HasMetadata> objects) {
        List<PodSpec> pods = new ArrayList<>();
        all(objects, Deployment.class).forEach(d -> pods.add(d.getSpec().getTemplate().getSpec()));
        all(objects, StatefulSet.class).forEach(s -> pods.add(s.getSpec().getTemplate().getSpec()));
        return pods;
    }

    /** The checks of Pod Security Standards' "restricted" profile (kubernetes.io/docs/concepts/security/pod-security-standards). */
    static final class RestrictedProfile {

        private static final Set<String> VOLUME_TYPES = Set.of("configMap", "csi", "downwardAPI", "emptyDir",
                "ephemeral", "persistentVolumeClaim", "projected", "secret");

        static List<String> violations(PodSpec pod) {
            List<String> out = new ArrayList<>();
            if (Boolean.TRUE.equals(pod.getHostNetwork()) || Boolean.TRUE.equals(pod.getHostPID())
                    || Boolean.TRUE.equals(pod.getHostIPC())) {
                out.add("host namespaces");
            }
            pod.getVolumes().forEach(v -> {
                Map<String, Object> fields = HelmChartTest.YAML.convertValue(v, Map.class);
                fields.keySet().stream().filter(k -> !k.equals("name") && !VOLUME_TYPES.contains(k))
                        .forEach(k -> out.add("volume type " + k));
            });
            var podContext = pod.getSecurityContext();
            boolean podNonRoot = podContext != null && Boolean.TRUE.equals(podContext.getRunAsNonRoot());
            boolean podSeccomp = podContext != null && podContext.getSeccompProfile() != null
                    && Set.of("RuntimeDefault", "Localhost").contains(podContext.getSeccompProfile().getType());
            if (podContext != null && Long.valueOf(0).equals(podContext.getRunAsUser())) {
                out.add("pod runs as root");
            }
            List<Container> containers = new ArrayList<>(pod.getContainers());
            if (pod.getInitContainers() != null) {
                containers.addAll(pod.getInitContainers());
            }
            for (Container c : containers) {
                var context = c.getSecurityContext();
                if (context == null) {
                    out.add(c.getName() + ": no securityContext");
                    continue;
                }
                if (Boolean.TRUE.equals(context.getPrivileged())) {
                    out.add(c.getName() + ": privileged");
                }
                if (!Boolean.FALSE.equals(context.getAllowPrivilegeEscalation())) {
                    out.add(c.getName() + ": allowPrivilegeEscalation not false");
                }
                if (context.getCapabilities() == null || context.getCapabilities().getDrop() == null
                        || !context.getCapabilities().getDrop().contains("ALL")) {
                    out.add(c.getName() + ": capabilities not dropped");
                } else if (context.getCapabilities().getAdd() != null && context.getCapabilities().getAdd().stream()
                        .anyMatch(a -> !a.equals("NET_BIND_SERVICE"))) {
                    out.add(c.getName() + ": capabilities added");
                }
                if (!podNonRoot && !Boolean.TRUE.equals(context.getRunAsNonRoot())) {
                    out.add(c.getName() + ": runAsNonRoot not set");
                }
                if (Long.valueOf(0).equals(context.getRunAsUser())) {
                    out.add(c.getName() + ": runs as root");
                }
                boolean seccomp = context.getSeccompProfile() != null
                        && Set.of("RuntimeDefault", "Localhost").contains(context.getSeccompProfile().getType());
                if (!podSeccomp && !seccomp) {
                    out.add(c.getName() + ": no seccomp profile");
                }
            }
            return out;
        }
    }
}
