#!/bin/sh
# Builds kapsel's unikernel test kernels, one per boot protocol, into OUTDIR:
#   pvh.elf            ELF64 with the Xen PVH entry note (32-bit entry, switches to long mode itself)
#   multiboot.elf      ELF32 with a Multiboot v1 header
#   multiboot-aout.bin flat binary with a Multiboot v1 header using the a.out kludge (flag 16)
#   elf64.elf          ELF64 with neither, entered the Firecracker way (zero page at RSI)
#   layouts-32.txt, layouts-64.txt  the offsets of bootinfo.h for -m32 and -m64 (BootInfoLayoutTest)
# Freestanding C and assembly, gcc and binutils only (no 32-bit libc needed). The Maven build runs this
# in generate-test-resources; by hand: sh src/test/c/unikernel/build.sh OUTDIR
set -eu
src=$(dirname "$0")
out=${1:?usage: build.sh OUTDIR}
cc=${CC:-gcc}
mkdir -p "$out"
# rebuild only when a source is newer than the last output
if [ -e "$out/elf64.elf" ] && [ -z "$(find "$src" -newer "$out/elf64.elf")" ]; then
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cflags="-std=c11 -O2 -Wall -Wextra -Werror -ffreestanding -nostdlib -fno-pic -fno-pie -fno-stack-protector
    -fno-asynchronous-unwind-tables -mgeneral-regs-only -fno-builtin"
fail() {
    echo "kapsel build: error: building the unikernel test kernels ($src) failed: $1 (needs gcc and binutils)" >&2
    exit 1
}
c32() { "$cc" -m32 $cflags -c -o "$tmp/$2" "$src/$1" || fail "$1 for -m32"; }
c64() { "$cc" -m64 -mno-red-zone -mcmodel=small $cflags -c -o "$tmp/$2" "$src/$1" || fail "$1 for -m64"; }
link() { ld -m "$1" -T "$src/kernel.ld" -nostdlib -z noexecstack --no-warn-rwx-segments --build-id=none -o "$2" $3 || fail "linking $2"; }

c32 console.c console32.o
c32 multiboot.c multiboot.o
c32 entry-multiboot.S entry-multiboot.o
"$cc" -m32 $cflags -DAOUT_KLUDGE -c -o "$tmp/entry-multiboot-aout.o" "$src/entry-multiboot.S" || fail "entry-multiboot.S (a.out kludge)"
c64 console.c console64.o
c64 pvh.c pvh.o
c64 entry-pvh.S entry-pvh.o
c64 elf64.c elf64.o
c64 entry-elf64.S entry-elf64.o

link elf_i386 "$tmp/multiboot.elf" "$tmp/entry-multiboot.o $tmp/multiboot.o $tmp/console32.o"
link elf_i386 "$tmp/multiboot-aout.elf" "$tmp/entry-multiboot-aout.o $tmp/multiboot.o $tmp/console32.o"
objcopy -O binary "$tmp/multiboot-aout.elf" "$tmp/multiboot-aout.bin" || fail "objcopy of the a.out-kludge kernel"
link elf_x86_64 "$tmp/pvh.elf" "$tmp/entry-pvh.o $tmp/pvh.o $tmp/console64.o"
link elf_x86_64 "$tmp/elf64.elf" "$tmp/entry-elf64.o $tmp/elf64.o $tmp/console64.o"
for bits in 32 64; do
    "$cc" -m$bits -ffreestanding -S -o "$tmp/layouts-$bits.s" "$src/layouts.c" || fail "layouts.c for -m$bits"
    grep -o -- '->[^"]*' "$tmp/layouts-$bits.s" | sed 's/^->//' > "$tmp/layouts-$bits.txt"
done
mv "$tmp/multiboot.elf" "$tmp/multiboot-aout.bin" "$tmp/pvh.elf" "$tmp/layouts-32.txt" "$tmp/layouts-64.txt" "$out/"
mv "$tmp/elf64.elf" "$out/"
