package dev.kapsel.container;

import dev.kapsel.image.ImageException;
import dev.kapsel.initramfs.ModuleException;
import dev.kapsel.vmm.VmSetupException;
import java.io.IOException;

/**
 * Why a container did not start, one case per cause, the cause kept (never flattened to a string), so
 * callers above {@code container} see neither {@code vmm} nor {@code initramfs}. The message is one
 * line for the user; the VM cases carry the tail of the guest console.
 */
public sealed abstract class ContainerStartException extends Exception {
    private static final long serialVersionUID = 1L;

    ContainerStartException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The launch asks for what the isolation cannot run at all; nothing was started. */
    public static final class Unsupported extends ContainerStartException {
        private static final long serialVersionUID = 1L;

        public Unsupported(String message) {
            super(message, null);
        }
    }

    /** The guest kernel, its modules or the guest agent are not installed. */
    public static final class AssetsMissing extends ContainerStartException {
        private static final long serialVersionUID = 1L;

        AssetsMissing(String message) {
            super(message, null);
        }
    }

    /** The container initramfs could not be built from the kernel's modules and the agent. */
    public static final class Initramfs extends ContainerStartException {
        private static final long serialVersionUID = 1L;

        Initramfs(ModuleException cause) {
            super("cannot build the container initramfs: " + cause.getMessage(), cause);
        }
    }

    /** The container's root image could not be made from its root directory. */
    public static final class RootImage extends ContainerStartException {
        private static final long serialVersionUID = 1L;

        RootImage(String message, Exception cause) {
            super(message, cause);
        }

        RootImage(ImageException cause) {
            this("cannot build the root image: " + cause.getMessage(), cause);
        }
    }

    /** The micro-VM could not be built from its configuration. */
    public static final class VmSetup extends ContainerStartException {
        private static final long serialVersionUID = 1L;

        VmSetup(VmSetupException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** The VM ended, or its agent did not answer, before the process started. */
    public static final class AgentUnreachable extends ContainerStartException {
        private static final long serialVersionUID = 1L;

        AgentUnreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * The process could not be started: its program was not found or could not be executed. Not
     * kapsel's failure but the command's, so it has the shell's codes ({@link #exitStatus()}).
     */
    public static final class SpawnFailed extends ContainerStartException {
        private static final long serialVersionUID = 1L;
        private final boolean commandNotFound;

        SpawnFailed(String message, boolean commandNotFound, Throwable cause) {
            super(message, cause);
            this.commandNotFound = commandNotFound;
        }

        public boolean commandNotFound() {
            return commandNotFound;
        }

        /** Docker's, runc's and the shell's codes: 127 the command was not found, 126 it could not be run. */
        public int exitStatus() {
            return commandNotFound ? 127 : 126;
        }
    }

    /** Host I/O failed while starting (the VM's socket directory, the agent connection). */
    public static final class HostIo extends ContainerStartException {
        private static final long serialVersionUID = 1L;

        HostIo(String what, IOException cause) {
            super(what + ": " + cause.getMessage(), cause);
        }
    }

    /**
     * The container's network could not be attached (a missing namespace path, an interface that
     * cannot be redirected, a guest that refused the configuration); nothing of it is left behind.
     */
    public static final class Network extends ContainerStartException {
        private static final long serialVersionUID = 1L;

        Network(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
