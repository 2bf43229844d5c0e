package dev.offshoot.gateway;

import org.springframework.stereotype.Component;

import dev.offshoot.branch.BranchAccess;
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
    private final Endpoints endpoints;

    GatewayDirectory(BranchAccess branches, Endpoints endpoints) {
        this.branches = branches;
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

    @Override
    public void wake(String name) {
        try {
            branches.wake(name);
        } catch (OffshootException e) {
            throw new Refusal(Protocol.CANNOT_CONNECT_NOW, "branch \"" + name + "\" could not be woken up ("
                    + e.code() + "); try again");
        }
    }

    @Override
    public Endpoint endpoint(String key) {
        return endpoints.internal(key);
    }
}
