package dev.kapsel.container;

import dev.kapsel.host.Installation;
import dev.kapsel.host.KvmKind;
import dev.kapsel.host.KvmProbe;
import dev.kapsel.host.StateDirectory;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The isolations kapsel has, by the names users and configs give them ({@code --isolation=vm}, the
 * OCI annotation {@code dev.kapsel.isolation: sandbox}): the one place those words are spelled.
 */
public enum IsolationKind {
    /** A micro-VM per container with the stock Linux kernel and the guest agent. */
    VM("vm", new VmIsolation()),
    /** kapsel's KVM user-mode sandbox: no guest kernel, system calls served by the Java kernel. */
    SANDBOX("sandbox", new SandboxIsolation()),
    /** A unikernel image's own kernel booted in a micro-VM: no Linux guest, no agent ({@link UnikernelImage}). */
    UNIKERNEL("unikernel", new UnikernelIsolation());

    private final String id;
    private final Isolation isolation;

    IsolationKind(String id, Isolation isolation) {
        this.id = id;
        this.isolation = isolation;
    }

    /** The name as users and configs write it. */
    public String id() {
        return id;
    }

    public Isolation isolation() {
        return isolation;
    }

    public static Optional<IsolationKind> byId(String id) {
        return Arrays.stream(values()).filter(k -> k.id.equals(id)).findFirst();
    }

    /** The names, for messages: {@code 'vm', 'sandbox' and 'unikernel'}. */
    public static String names() {
        List<String> quoted = Arrays.stream(values()).map(k -> "'" + k.id + "'").toList();
        return String.join(", ", quoted.subList(0, quoted.size() - 1)) + " and " + quoted.getLast();
    }

    /**
     * Whether a micro-VM boots here at a useful speed: KVM that is not the nested paravirtual
     * {@code kvm_pvm} (which includes the nested harness's real SVM KVM), judged from files alone
     * ({@link KvmProbe#quickKind()}, no timing: this is asked on every start; the timed probe is for
     * {@code kapsel doctor}).
     */
    public static boolean vmBootsHere() {
        return KvmProbe.quickKind() == KvmKind.HARDWARE;
    }

    /** {@link #VM} where a micro-VM boots and its kernel and agent are installed, {@link #SANDBOX} otherwise. */
    public static IsolationKind defaultForHost() {
        boolean bootsLinux = vmBootsHere() && GuestAssets.find(StateDirectory.resolve(), Installation.repository()).isPresent();
        return bootsLinux ? VM : SANDBOX;
    }

    @Override
    public String toString() {
        return id;
    }
}
