package dev.kapsel.kvm;

/** A segment register as KVM holds it ({@code struct kvm_segment}): the descriptor cache, unpacked. */
public record KvmSegment(long base, int limit, int selector, int type, boolean present, int dpl,
                         boolean db, boolean s, boolean l, boolean g, boolean avl, boolean unusable) {
}
