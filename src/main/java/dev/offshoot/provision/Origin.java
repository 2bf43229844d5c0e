package dev.offshoot.provision;

import java.util.Optional;

import dev.offshoot.instance.DataRef;

/**
 * Where the data of a launch comes from, decided once by the caller. {@link #parent()} is what the
 * owner records as the data a later reset copies again.
 */
public sealed interface Origin {

    /** The data a fresh copy descends from. */
    DataRef parent();

    /** A fresh copy of shared data: a template revision's, or the owner's own snapshot (create, reset, warm pool). */
    record CopyOf(DataRef parent) implements Origin {
    }

    /**
     * A crash-consistent snapshot of a running instance, taken into {@code parent} (planned with
     * {@link Provisioner#plannedSnapshot} and recorded by the owner before it exists), then copied:
     * a branch of a branch that can be reset to the moment it was made.
     */
    record SnapshotOf(ForkSource source, DataRef parent) implements Origin {
    }

    /**
     * One crash-consistent copy of a running instance straight into the new instance's data, where
     * the driver can ({@link Provisioner#copiesRunning}): nothing is kept to reset to, and
     * {@code parent} (a planned snapshot) never exists.
     */
    record OneCopyOf(ForkSource source, DataRef parent) implements Origin {
    }

    /** The data the instance had when its container vanished; a fresh copy of {@code parent} when none is left. */
    record Existing(DataRef parent) implements Origin {
    }

    /** A running instance another is copied from, as its owner sees it now. */
    interface ForkSource {

        Instance instance();

        /** Its superuser's password, for the checkpoint before the copy. */
        String superuserPassword();

        /**
         * After a copy failed: the source as it is now when another instance replaced it meanwhile (a
         * reset), so the copy is made again from that one; empty when the failure stands. Throws when
         * the source is gone.
         */
        Optional<ForkSource> replaced();
    }
}
