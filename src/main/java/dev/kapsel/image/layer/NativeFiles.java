package dev.kapsel.image.layer;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * The file-system calls layer extraction makes where Java's NIO falls short: {@code lsetxattr} (any
 * namespace, e.g. {@code security.capability}), {@code mknod} (device nodes and FIFOs), and
 * {@code chmod}, {@code lchown}, {@code utimensat} that never open the file. Called
 * through the FFM API with errno captured; failures become {@link IOException}s naming the path.
 */
@SuppressWarnings("restricted") // FFM downcalls; the jar enables native access
final class NativeFiles {
    private NativeFiles() {}

    static final int S_IFIFO = 0010000;
    static final int S_IFCHR = 0020000;
    static final int S_IFBLK = 0060000;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");

    private static final MethodHandle LSETXATTR = LINKER.downcallHandle(
            LINKER.defaultLookup().find("lsetxattr").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT), CAPTURE);
    private static final MethodHandle MKNOD = LINKER.downcallHandle(
            LINKER.defaultLookup().find("mknod").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG),
            CAPTURE);

    private static final MethodHandle CHMOD = LINKER.downcallHandle(
            LINKER.defaultLookup().find("chmod").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT), CAPTURE);
    private static final MethodHandle LCHOWN = LINKER.downcallHandle(
            LINKER.defaultLookup().find("lchown").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), CAPTURE);
    private static final MethodHandle UTIMENSAT = LINKER.downcallHandle(
            LINKER.defaultLookup().find("utimensat").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_INT), CAPTURE);
    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    private static final long UTIME_OMIT = (1L << 30) - 2;

    /*
     * Why not NIO's unix:mode / unix:uid / setTimes: the JDK opens the file to use the f* calls,
     * and opening a FIFO blocks (and opening a device node has side effects). These calls never open.
     */

    /** chmod(2) on a path that is not a symlink (the caller guarantees it). */
    static void chmod(Path path, int mode) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) CHMOD.invokeExact(state, arena.allocateFrom(path.toString()), mode);
            if (rc != 0) {
                throw new IOException("chmod " + path + ": errno " + (int) ERRNO.get(state, 0L));
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** lchown(2): the owner of the path itself, a symlink included. */
    static void lchown(Path path, int uid, int gid) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) LCHOWN.invokeExact(state, arena.allocateFrom(path.toString()), uid, gid);
            if (rc != 0) {
                throw new IOException("lchown " + path + ": errno " + (int) ERRNO.get(state, 0L));
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** utimensat(2) with AT_SYMLINK_NOFOLLOW: sets the modification time, leaves the access time. */
    static void setModifiedTime(Path path, long epochSecond, int nanos) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment times = arena.allocate(ValueLayout.JAVA_LONG, 4);
            times.setAtIndex(ValueLayout.JAVA_LONG, 0, 0);
            times.setAtIndex(ValueLayout.JAVA_LONG, 1, UTIME_OMIT);
            times.setAtIndex(ValueLayout.JAVA_LONG, 2, epochSecond);
            times.setAtIndex(ValueLayout.JAVA_LONG, 3, nanos);
            int rc = (int) UTIMENSAT.invokeExact(state, AT_FDCWD, arena.allocateFrom(path.toString()), times, AT_SYMLINK_NOFOLLOW);
            if (rc != 0) {
                throw new IOException("utimensat " + path + ": errno " + (int) ERRNO.get(state, 0L));
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static void lsetxattr(Path path, String name, byte[] value) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment v = arena.allocate(Math.max(1, value.length));
            MemorySegment.copy(value, 0, v, ValueLayout.JAVA_BYTE, 0, value.length);
            int rc = (int) LSETXATTR.invokeExact(state, arena.allocateFrom(path.toString()), arena.allocateFrom(name), v,
                    (long) value.length, 0);
            if (rc != 0) {
                throw new IOException("lsetxattr " + name + " on " + path + ": errno " + (int) ERRNO.get(state, 0L));
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static void mknod(Path path, int typeAndMode, long major, long minor) throws IOException {
        long dev = ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8) | ((minor & 0xffffff00L) << 12) | (minor & 0xffL);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) MKNOD.invokeExact(state, arena.allocateFrom(path.toString()), typeAndMode, dev);
            if (rc != 0) {
                throw new IOException("mknod " + path + ": errno " + (int) ERRNO.get(state, 0L));
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}
