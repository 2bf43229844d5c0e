package dev.offshoot.gateway;

import org.springframework.stereotype.Component;

import dev.offshoot.branch.BranchAccess;
import dev.offshoot.branch.BranchMaintenance;
import dev.offshoot.branch.BranchStatus;
import dev.offshoot.error.OffshootException;
import dev.offshoot.instance.Endpoint;
import dev.offshoot.provision.Endpoints;

/**
 * {@link BranchDirectory} on the branch feature and the provisioning seam: a name is the live
 * branch of that name, a wake is the branch feature's, and a branch's instance is dialed where the
 * runtime says its key answers inside (a container's address on Docker's branch network, a Pod's
 * on Kubernetes). Refusals tell the client what it can do: nothing for an unknown branch, wait for
 * one being created.
 */
@Component
class GatewayDirectory implements BranchDirectory {

    private final BranchAccess branches;
    private final BranchMaintenance maintenance;
    private final Endpoints endpoints;

    GatewayDirectory(BranchAccess branches, BranchMaintenance maintenance, Endpoints endpoints) {
        this.branches = branches;
        this.maintenance = maintenance;
        this.endpoints = endpoints;
    }

    @Override
    public Route route(String name) {
        BranchAccess.Route route = branches.route(name).orElseThrow(() -> new Refusal(Protocol.INVALID_CATALOG_NAME,
                "branch \"" + name + "\" does not exist"));
        return switch (route.status()) {
            case READY -> new Route(name, route.key(), false);
            case SUSPENDED -> new Route(name, route.key(), true);
            case CREATING -> throw new Refusal(Protocol.CANNOT_CONNECT_NOW, "branch \"" + name
                    + "\" is being created or reset; try again shortly");
            case FAILED -> throw new Refusal(Protocol.CONNECTION_REJECTED, "branch \"" + name
                    + "\" has failed; reset it to use it again");
            default -> throw new Refusal(Protocol.INVALID_CATALOG_NAME, "branch \"" + name + "\" does not exist");
        };
    }

    /**
     * The branch feature's wake, under the branch's name lock in the metadata store: of replicas
     * waking one branch at once, one starts it and the others find it READY.
     */
    @Override
    public void wake(String name) {
        BranchStatus status;
        try {
            status = maintenance.wake(name).orElseThrow(() -> new Refusal(Protocol.INVALID_CATALOG_NAME,
                    "branch \"" + name + "\" does not exist")).status();
        } catch (OffshootException e) {
            throw new Refusal(Protocol.CANNOT_CONNECT_NOW, "branch \"" + name + "\" could not be woken up ("
                    + e.code() + "); try again");
        }
        if (status != BranchStatus.READY) {
            throw new Refusal(Protocol.CANNOT_CONNECT_NOW, "branch \"" + name + "\" is " + status
                    + " and cannot be woken up now; try again shortly");
        }
    }

    @Override
    public void onStopped(java.util.function.Consumer<String> listener) {
        endpoints.onStopped(listener);
    }

    @Override
    public Endpoint endpoint(String key) {
        // a route found READY whose server went since: a delete, reset or suspend under way
        return endpoints.internalIfRunning(key).orElseThrow(() -> new Refusal(Protocol.CANNOT_CONNECT_NOW,
                "the branch has no running server at the moment (it is being deleted, reset or suspended); try again"));
    }
}
