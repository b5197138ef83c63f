package dev.kapsel.kvm;

/** One model-specific register to set, the Java mirror of {@code struct kvm_msr_entry}. */
public record MsrEntry(int index, long value) {}
