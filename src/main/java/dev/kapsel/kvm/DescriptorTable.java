package dev.kapsel.kvm;

/** A GDTR or IDTR value, the Java mirror of {@code struct kvm_dtable}: base and limit (size - 1). */
public record DescriptorTable(long base, int limit) {}
