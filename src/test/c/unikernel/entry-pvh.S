/*
 * Xen PVH entry: 32-bit protected mode, paging off, EBX = struct hvm_start_info. The ELF note
 * XEN_ELFNOTE_PHYS32_ENTRY (type 18, owner "Xen") names pvh_start32. This stub switches to long mode
 * the way 64-bit PVH kernels (Linux, Nanos) do: identity page tables with 2 MiB pages for the first GiB,
 * CR4.PAE, EFER.LME, CR0.PG, its own GDT, a far jump to 64-bit code, then pvh_main(hvm_start_info).
 */
    .section .note.Xen, "a", @note
    .align 4
    .long 4          /* namesz: "Xen\0" */
    .long 4          /* descsz */
    .long 18         /* XEN_ELFNOTE_PHYS32_ENTRY */
    .asciz "Xen"
    .align 4
    .long pvh_start32
    .align 4

    .text
    .code32
    .globl _start
_start:
pvh_start32:
    cli
    mov %ebx, %esi                 /* hvm_start_info, kept for pvh_main */
    /* PD: 512 entries of 2 MiB pages (present, writable, PS) */
    mov $pd, %edi
    mov $0x83, %eax
    mov $512, %ecx
1:  mov %eax, (%edi)
    movl $0, 4(%edi)
    add $0x200000, %eax
    add $8, %edi
    loop 1b
    mov $pd, %eax
    or $3, %eax
    mov %eax, pdpt
    mov $pdpt, %eax
    or $3, %eax
    mov %eax, pml4
    mov %cr4, %eax
    or $0x20, %eax                 /* PAE */
    mov %eax, %cr4
    mov $pml4, %eax
    mov %eax, %cr3
    mov $0xc0000080, %ecx          /* EFER */
    rdmsr
    or $0x100, %eax                /* LME */
    wrmsr
    lgdt gdt_pointer
    mov %cr0, %eax
    or $0x80000001, %eax           /* PG | PE */
    mov %eax, %cr0
    ljmp $0x08, $long_mode

    .code64
long_mode:
    mov $0x10, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    lea stack_top(%rip), %rsp
    mov %esi, %edi
    call pvh_main
2:  hlt
    jmp 2b

    .section .rodata
    .align 8
gdt:
    .quad 0
    .quad 0x00af9a000000ffff       /* 64-bit code */
    .quad 0x00cf92000000ffff       /* data */
gdt_end:
gdt_pointer:
    .word gdt_end - gdt - 1
    .long gdt

    .bss
    .align 4096
pml4:
    .skip 4096
pdpt:
    .skip 4096
pd:
    .skip 4096
    .align 16
    .skip 16384
stack_top:
