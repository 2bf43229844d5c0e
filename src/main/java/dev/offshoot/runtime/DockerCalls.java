package dev.offshoot.runtime;

import java.io.IOException;
import java.util.function.Supplier;

import com.github.dockerjava.api.exception.DockerException;

/** How every call to the engine fails: transport trouble as {@link RuntimeUnavailableException}. */
final class DockerCalls {

    private DockerCalls() {
    }

    /** Turns transport failures into {@link RuntimeUnavailableException}; engine answers pass through. */
    static <T> T call(Supplier<T> action) {
        try {
            return action.get();
        } catch (DockerException e) {
            throw e;
        } catch (RuntimeException e) {
            if (causedByIo(e)) {
                throw new RuntimeUnavailableException("the Docker engine cannot be reached: " + rootMessage(e), e);
            }
            throw e;
        }
    }

    private static boolean causedByIo(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

}
