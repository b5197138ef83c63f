/* harness self-test probe: opens /dev/kvm and prints the KVM API version (12 on every modern kernel). */
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define KVM_GET_API_VERSION 0xAE00

int main(void) {
    int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        perror("open /dev/kvm");
        return 1;
    }
    int version = ioctl(fd, KVM_GET_API_VERSION, 0);
    if (version < 0) {
        perror("KVM_GET_API_VERSION");
        return 1;
    }
    printf("%d\n", version);
    close(fd);
    return 0;
}
