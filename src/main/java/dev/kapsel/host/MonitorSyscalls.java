package dev.kapsel.host;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The system calls a container monitor (a JVM running a micro-VM or a sandbox) may make once its guest
 * runs: every other one meets the seccomp filter's action ({@link MonitorSeccomp}). Measured, not
 * guessed: the union of {@code strace -f} of real runs (a sandbox container, the OCI verbs under podman
 * with and without networking, a KVM guest on the host; docs/security.md says how), then proved by
 * the whole host test suite with the filter's action set to log ({@code KAPSEL_SECCOMP=log}) and the
 * kernel log read for {@code type=1326}, then to kill. Grouped by why the monitor needs them; a name
 * not in {@link dev.kapsel.sys.seccomp.SyscallNumbers} fails the build's tests.
 *
 * <p>Left out on purpose, so the filter ends the monitor that tries them: starting programs
 * ({@code execve}, {@code execveat}, {@code fork}, {@code vfork}), mounting and changing root
 * ({@code mount}, {@code umount2}, {@code pivot_root}, {@code chroot}, the new mount API), namespaces
 * other than joining one ({@code unshare}), identity ({@code setuid} and kin), the kernel's own
 * surface ({@code bpf}, {@code perf_event_open}, {@code init_module}, {@code kexec_load},
 * {@code reboot}, {@code keyctl}, {@code userfaultfd}, {@code io_uring_setup}), other processes'
 * memory ({@code ptrace}, {@code process_vm_readv}), the clock ({@code settimeofday},
 * {@code clock_settime}) and {@code personality}.
 */
public final class MonitorSyscalls {
    private MonitorSyscalls() {}

    /** Each group with its reason. */
    static final Map<String, List<String>> GROUPS = Map.ofEntries(
            Map.entry("memory: the Java heap, guest RAM (mmap of memfd or anonymous), the JIT, glibc's malloc",
                    List.of("brk", "mmap", "munmap", "mprotect", "mremap", "madvise", "msync", "mincore", "membarrier",
                            "memfd_create", "mlock", "munlock", "get_mempolicy")),
            Map.entry("threads: vCPU, device and JVM threads (glibc's pthread_create is clone3, clone before 5.3), their locks and ends",
                    List.of("clone", "clone3", "futex", "set_robust_list", "get_robust_list", "set_tid_address", "rseq",
                            "exit", "exit_group", "gettid", "sched_yield", "sched_getaffinity", "sched_setaffinity",
                            "sched_getparam", "sched_getscheduler", "getcpu", "getpriority", "setpriority")),
            Map.entry("time and timers: the JVM's clocks, the sandbox's guest timers (timer_create with SIGEV_THREAD_ID)",
                    List.of("clock_gettime", "clock_getres", "clock_nanosleep", "nanosleep", "gettimeofday", "time",
                            "timer_create", "timer_settime", "timer_gettime", "timer_getoverrun", "timer_delete",
                            "setitimer", "getitimer", "timerfd_create", "timerfd_settime", "timerfd_gettime")),
            Map.entry("signals: the vCPU kick (pthread_kill of a real-time signal, KVM_SET_SIGNAL_MASK), forwarded signals, the JVM's handlers",
                    List.of("rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigtimedwait", "rt_sigsuspend", "rt_sigpending",
                            "rt_sigqueueinfo", "rt_tgsigqueueinfo", "sigaltstack", "tgkill", "tkill", "kill", "restart_syscall",
                            "pause")),
            Map.entry("file descriptors: KVM's ioctls, the tap, the terminal, pipes, eventfds, poll and epoll (NIO's selector)",
                    List.of("read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev", "preadv2", "pwritev2",
                            "close", "close_range", "dup", "dup2", "dup3", "fcntl", "ioctl", "lseek", "pipe", "pipe2",
                            "eventfd", "eventfd2", "poll", "ppoll", "select", "pselect6", "epoll_create", "epoll_create1",
                            "epoll_ctl", "epoll_wait", "epoll_pwait", "epoll_pwait2", "sendfile", "splice", "copy_file_range")),
            Map.entry("files: the image's disk, logs and state records, the sandbox's root and binds, the virtio-fs server's shares",
                    List.of("open", "openat", "openat2", "creat", "stat", "fstat", "lstat", "newfstatat", "statx", "statfs", "fstatfs",
                            "access", "faccessat", "faccessat2", "readlink", "readlinkat", "getdents64", "getdents", "getcwd",
                            "chdir", "fchdir", "umask", "truncate", "ftruncate", "fallocate", "fadvise64", "readahead",
                            "fsync", "fdatasync", "sync_file_range", "flock", "mkdir", "mkdirat", "rmdir", "unlink", "unlinkat",
                            "rename", "renameat", "renameat2", "link", "linkat", "symlink", "symlinkat", "chmod", "fchmod",
                            "fchmodat", "chown", "fchown", "lchown", "fchownat", "utimensat", "utimes", "futimesat",
                            "mknod", "mknodat", "getxattr", "lgetxattr", "fgetxattr", "listxattr", "llistxattr", "flistxattr",
                            "setxattr", "lsetxattr", "fsetxattr", "removexattr", "lremovexattr", "fremovexattr", "inotify_init1",
                            "inotify_add_watch", "inotify_rm_watch")),
            Map.entry("sockets: the agent's vsock and control Unix sockets, the API server, netlink for taps and addresses,"
                            + " the sandbox's TCP and UDP sockets (NIO: socket, bind, connect, accept, options, messages)",
                    List.of("socket", "socketpair", "bind", "listen", "accept", "accept4", "connect", "getsockname", "getpeername",
                            "setsockopt", "getsockopt", "sendto", "recvfrom", "sendmsg", "recvmsg", "sendmmsg", "recvmmsg",
                            "shutdown")),
            Map.entry("namespaces: a sandbox's sockets are made in the engine's network namespace by a thread that joins it",
                    List.of("setns")),
            Map.entry("the process: identity and limits the JVM and glibc read, thread names (prctl PR_SET_NAME), the session",
                    List.of("getpid", "getppid", "getuid", "geteuid", "getgid", "getegid", "getgroups", "getresuid", "getresgid",
                            "getpgrp", "getpgid", "getsid", "setsid", "setpgid", "prctl", "arch_prctl", "uname", "sysinfo",
                            "getrusage", "times", "prlimit64", "getrlimit", "getrandom", "wait4", "waitid", "capget",
                            "sched_get_priority_max", "sched_get_priority_min", "pidfd_open")));

    /** Every allowed call by name, sorted. */
    public static final List<String> ALLOWED = GROUPS.values().stream().flatMap(List::stream)
            .collect(Collectors.toCollection(TreeSet::new)).stream().toList();
}
