/*
 * harness self-test probe. Opens /dev/kvm, prints the KVM API version (12 on every modern
 * kernel), then runs a tiny real-mode guest (out 0x10 of 0x42, hlt) in a fresh VM and prints
 * "guest-out 0x42" and "guest-hlt" for the exits it sees: proof that KVM in L1 runs guest code.
 */
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

static int fail(const char *what) {
    perror(what);
    return 1;
}

int main(void) {
    int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0) return fail("open /dev/kvm");
    int version = ioctl(kvm, KVM_GET_API_VERSION, 0);
    if (version < 0) return fail("KVM_GET_API_VERSION");
    printf("%d\n", version);

    int vm = ioctl(kvm, KVM_CREATE_VM, 0);
    if (vm < 0) return fail("KVM_CREATE_VM");
    size_t mem_size = 0x1000;
    uint8_t *mem = mmap(NULL, mem_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) return fail("mmap guest memory");
    /* mov al, 0x42; out 0x10, al; hlt */
    const uint8_t code[] = {0xb0, 0x42, 0xe6, 0x10, 0xf4};
    memcpy(mem, code, sizeof code);
    struct kvm_userspace_memory_region region = {
        .slot = 0, .guest_phys_addr = 0x1000, .memory_size = mem_size, .userspace_addr = (uint64_t) mem,
    };
    if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0) return fail("KVM_SET_USER_MEMORY_REGION");

    int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
    if (vcpu < 0) return fail("KVM_CREATE_VCPU");
    int run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (run_size < 0) return fail("KVM_GET_VCPU_MMAP_SIZE");
    struct kvm_run *run = mmap(NULL, (size_t) run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
    if (run == MAP_FAILED) return fail("mmap kvm_run");

    struct kvm_sregs sregs;
    if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0) return fail("KVM_GET_SREGS");
    sregs.cs.base = 0;
    sregs.cs.selector = 0;
    if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0) return fail("KVM_SET_SREGS");
    struct kvm_regs regs = {.rip = 0x1000, .rflags = 0x2};
    if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0) return fail("KVM_SET_REGS");

    for (int exits = 0; exits < 16; exits++) {
        if (ioctl(vcpu, KVM_RUN, 0) < 0) return fail("KVM_RUN");
        switch (run->exit_reason) {
        case KVM_EXIT_IO:
            if (run->io.direction == KVM_EXIT_IO_OUT && run->io.port == 0x10 && run->io.size == 1) {
                printf("guest-out 0x%02x\n", *((uint8_t *) run + run->io.data_offset));
            } else {
                printf("unexpected io exit: port 0x%x\n", run->io.port);
                return 1;
            }
            break;
        case KVM_EXIT_HLT:
            printf("guest-hlt\n");
            return 0;
        default:
            printf("unexpected exit reason %u\n", run->exit_reason);
            return 1;
        }
    }
    printf("no hlt after 16 exits\n");
    return 1;
}
