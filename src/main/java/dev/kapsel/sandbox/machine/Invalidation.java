package dev.kapsel.sandbox.machine;

/**
 * One translation made stricter that a vCPU must drop before it runs the address space again: the
 * guest-physical address of the leaf page-table entry that changed and the (page-aligned) virtual
 * address it maps. {@link Cpu#flush} rewrites the entry from inside the guest and invalidates the address.
 */
public record Invalidation(long entryAddress, long va) {}
