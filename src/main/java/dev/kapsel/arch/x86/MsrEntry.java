package dev.kapsel.arch.x86;

/** One model-specific register to set, the Java mirror of {@code struct kvm_msr_entry}. */
public record MsrEntry(int index, long value) {}
