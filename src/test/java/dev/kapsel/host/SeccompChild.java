package dev.kapsel.host;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The child JVM of {@link MonitorSeccompTest}: installs the monitors' filter with the action its
 * argument names (kill, trap, log), goes on as a JVM does (a thread, a file, output), prints its
 * confinement, then makes one call off the list, {@code personality(0xffffffff)} (a query: harmless
 * if it is made), and prints "survived" if it is still alive.
 */
public final class SeccompChild {
    private SeccompChild() {}

    public static void main(String[] args) throws Throwable {
        MonitorSeccomp.filter(MonitorSeccomp.of(args[0])).orElseThrow().install();
        Thread t = Thread.ofPlatform().start(() -> System.out.println("thread ran"));
        t.join();
        Path f = Files.createTempFile("seccomp-child", ".txt");
        Files.writeString(f, "x");
        Files.delete(f);
        Confinement c = Confinement.of(ProcessHandle.current().pid()).orElseThrow();
        System.out.println("Seccomp: " + c.seccomp() + " NoNewPrivs: " + (c.noNewPrivs() ? 1 : 0));
        System.out.flush();
        MethodHandle syscall = Linker.nativeLinker().downcallHandle(Linker.nativeLinker().defaultLookup().find("syscall").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG),
                Linker.Option.firstVariadicArg(1));
        long personality = (long) syscall.invokeExact(135L, 0xffffffffL);
        System.out.println("survived personality=" + personality);
        System.out.flush();
    }
}
