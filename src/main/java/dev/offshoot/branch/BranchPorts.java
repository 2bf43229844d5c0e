package dev.offshoot.branch;

import java.util.HashSet;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.IntFunction;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.data.relational.core.conversion.DbActionExecutionException;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import dev.offshoot.config.RuntimeProperties;
import dev.offshoot.runtime.PortAllocator;
import dev.offshoot.runtime.PortConflictException;
import dev.offshoot.template.Template;
import dev.offshoot.web.ApiException;

/**
 * A branch's published port, held in its row so that resets and restarts keep the connection
 * string: a new row is saved on a free port (a unique index among live rows settles races), and a
 * launch the engine refuses because something else holds the port moves to another one. This is
 * Docker's host-port publishing; a runtime with a Service per instance would need none of it.
 */
@Component
class BranchPorts {

    private static final int PORT_ATTEMPTS = 5;
    /** Each lost race excludes one more port, so as many attempts as creates may run at once. */
    private static final int RESERVE_ATTEMPTS = 32;

    private final BranchRepository branches;
    private final PortAllocator ports;
    private final RuntimeProperties properties;
    private final BranchLauncher launcher;

    BranchPorts(BranchRepository branches, PortAllocator ports, RuntimeProperties properties,
            BranchLauncher launcher) {
        this.branches = branches;
        this.ports = ports;
        this.properties = properties;
        this.launcher = launcher;
    }

    /** Saves the new row on a free port; a create that took the same port meanwhile makes it try the next. */
    Branch reserve(IntFunction<Branch> rowOnPort) {
        Set<Integer> raced = new HashSet<>();
        for (int attempt = 1; ; attempt++) {
            Branch branch = rowOnPort.apply(freePort(raced));
            try {
                return branches.save(branch);
            } catch (DbActionExecutionException | DuplicateKeyException e) {
                // another create took the same port between our read and our insert: take the next one
                if (!isDuplicate(e) || attempt == RESERVE_ATTEMPTS) {
                    throw e;
                }
                raced.add(branch.port());
            }
        }
    }

    /** Starts the container; when the engine finds the port held by someone else, moves to another. */
    String launchOnFreePort(Branch branch, Template template) {
        return launchOnFreePort(branch, template, () -> {
        }, BranchLauncher.sealedPassword(branch, template));
    }

    /**
     * Like {@link #launchOnFreePort(Branch, Template)}; {@code before} runs once, in the first
     * launch, and {@code sealedPassword} is the superuser password of the data it copies.
     */
    String launchOnFreePort(Branch branch, Template template, Runnable before, String sealedPassword) {
        Set<Integer> refused = new HashSet<>();
        for (int attempt = 1; ; attempt++) {
            try {
                return launcher.launch(branch, template, attempt == 1 ? before : () -> {
                }, sealedPassword);
            } catch (PortConflictException e) {
                if (attempt == PORT_ATTEMPTS) {
                    throw e;
                }
                refused.add(branch.port());
                branch = moveToFreePort(branch, refused);
            }
        }
    }

    /** Like {@link #reserve}: a create that takes the same port between our read and our update loses it. */
    private Branch moveToFreePort(Branch branch, Set<Integer> refused) {
        for (int attempt = 1; ; attempt++) {
            branch.movePort(freePort(refused));
            try {
                return branches.save(branch);
            } catch (DbActionExecutionException | DuplicateKeyException e) {
                if (!isDuplicate(e) || attempt == RESERVE_ATTEMPTS) {
                    throw e;
                }
                refused.add(branch.port());
            }
        }
    }

    private static boolean isDuplicate(RuntimeException e) {
        // Spring Data JDBC throws the DuplicateKeyException bare or wrapped, by version
        return e instanceof DuplicateKeyException || e.getCause() instanceof DuplicateKeyException;
    }

    private int freePort(Set<Integer> alsoTaken) {
        Set<Integer> taken = new HashSet<>(branches.findLivePorts());
        taken.addAll(alsoTaken);
        OptionalInt port = ports.next(taken);
        if (port.isEmpty()) {
            throw new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "PORT_RANGE_EXHAUSTED", "no free port left in "
                    + properties.portRangeStart() + "-" + properties.portRangeEnd()
                    + "; delete branches or widen offshoot.runtime.port-range-*", true);
        }
        return port.getAsInt();
    }
}
