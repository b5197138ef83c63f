/* Firecracker's 64-bit entry: long mode on the VMM's identity page tables, RSI = the zero page. */
    .text
    .code64
    .globl _start
_start:
    cli
    lea stack_top(%rip), %rsp
    mov %rsi, %rdi
    call elf64_main
1:  hlt
    jmp 1b

    .bss
    .align 16
    .skip 16384
stack_top:
