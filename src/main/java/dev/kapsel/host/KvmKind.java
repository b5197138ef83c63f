package dev.kapsel.host;

/** What kind of KVM this host offers, which decides where guests that run Linux can boot. */
public enum KvmKind {
    /** Hardware-assisted KVM: guest kernels run at native speed. */
    HARDWARE("hardware"),
    /** KVM whose guest kernel mode is emulated (e.g. nested paravirtual kvm_pvm): user mode is fast, a kernel is not. */
    EMULATED("emulated"),
    /** No usable /dev/kvm. */
    NONE("none");

    private final String label;

    KvmKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
