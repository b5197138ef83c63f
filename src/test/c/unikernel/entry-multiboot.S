/* Multiboot v1 entry: 32-bit protected mode, paging off, EAX = 0x2BADB002, EBX = multiboot_info. */
#define MULTIBOOT_MAGIC 0x1BADB002
#ifdef AOUT_KLUDGE
#define MULTIBOOT_FLAGS 0x00010003 /* page-align modules, memory info, address fields valid */
#else
#define MULTIBOOT_FLAGS 0x00000003 /* page-align modules, memory info */
#endif

    .section .multiboot, "a"
    .align 4
multiboot_header:
    .long MULTIBOOT_MAGIC
    .long MULTIBOOT_FLAGS
    .long -(MULTIBOOT_MAGIC + MULTIBOOT_FLAGS)
#ifdef AOUT_KLUDGE
    .long multiboot_header /* header_addr */
    .long _load_start      /* load_addr */
    .long _edata           /* load_end_addr */
    .long _end             /* bss_end_addr */
    .long _start           /* entry_addr */
#endif

    .text
    .code32
    .globl _start
_start:
    cli
    mov $stack_top, %esp
    push %ebx
    push %eax
    call multiboot_main
1:  hlt
    jmp 1b

    .bss
    .align 16
    .skip 16384
stack_top:
