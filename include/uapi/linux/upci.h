/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * upci: user-level PCI drivers, safely.  The ABI between upci.ko and user
 * space; this file is its only copy.
 */
#ifndef _UAPI_LINUX_UPCI_H
#define _UAPI_LINUX_UPCI_H

#include <linux/types.h>
#include <linux/ioctl.h>

/**
 * DOC: General ioctl format
 *
 * Every ioctl takes a pointer to a struct that starts with ``__u32 size`` and
 * ``__u32 flags``.  The caller sets @size to sizeof(the struct it was built
 * with); structs only ever grow at the end, so the kernel accepts an older,
 * smaller struct, and a newer, larger one provided the bytes it does not know
 * are zero.  @flags are input flags; results come back in fields named
 * ``out_*``.  The ioctl number does not encode the size (``_IO()``).
 *
 * The errno table, the same for every ioctl:
 *
 * - ENOTTY: unknown ioctl.
 * - EFAULT: the argument pointer (or a pointer inside it) is bad.
 * - EINVAL: @size is smaller than the first version of the struct, or a field
 *   has an invalid value (an index out of range, a misaligned offset, an
 *   access outside a region).
 * - E2BIG: @size is larger than the kernel knows and the unknown tail is not
 *   zero.
 * - EOPNOTSUPP: an unknown flag is set, or the device does not support the
 *   operation (for instance reset on a function without a reset method).
 * - ENODEV: the device was removed (unbound or unplugged); every call on the
 *   file fails with it from then on except close().
 * - ENOENT: a named object does not exist.
 * - EOVERFLOW: a range overflows.
 * - ENOMEM: out of memory or over the locked-memory limit.
 * - EAGAIN: the device is busy (a reset or a removal is in progress); retry.
 * - EBUSY: the device node is already open, or its IOMMU group is in use by a
 *   kernel driver (open(), with a kernel message naming the device).
 * - EPERM: open() of a device that is not isolated by an IOMMU with interrupt
 *   remapping, by a process without CAP_SYS_RAWIO.
 */

/**
 * DOC: Regions
 *
 * A device has %UPCI_NUM_REGIONS regions, numbered by &enum upci_region_index:
 * the six BARs, the expansion ROM and config space.  Region @index starts at
 * file offset ``index << UPCI_REGION_OFFSET_SHIFT`` (also given by
 * %UPCI_DEVICE_GET_REGION_INFO); pread() and pwrite() at that offset plus the
 * offset in the region access it, and mmap() with that offset maps a memory
 * BAR.
 *
 * pread()/pwrite() of 1, 2, 4 or 8 bytes must be naturally aligned and is one
 * access of that width (8-byte accesses are split in two 4-byte ones in config
 * and I/O space).  Longer accesses are split into the widest naturally aligned
 * accesses.  Any other size or alignment, or an access that does not fit in the
 * region, gets EINVAL; a region without %UPCI_REGION_FLAG_READ or
 * %UPCI_REGION_FLAG_WRITE gets EINVAL for that direction.  Memory BAR accesses
 * while the user has cleared memory decode (or put the function in a low
 * power state) get EIO.
 *
 * mmap() maps whole pages of a memory BAR.  It needs %UPCI_REGION_FLAG_MMAP,
 * MAP_SHARED and a range inside the BAR, otherwise EINVAL.  Mappings are
 * revocable: the kernel tears them down whenever the BAR stops decoding (the
 * user clears COMMAND.MEM, a reset, the device's removal), and an access then
 * faults back in when decode is on again, or gets SIGBUS otherwise.
 *
 * Config space is virtualized: BARs and the ROM BAR are emulated (sizing works,
 * the hardware never changes), MSI and MSI-X are read-only, power state and
 * function-level reset go through the kernel, and bits that could break
 * isolation are read-only.  The full table is in kernel/config.c.
 */

/**
 * define UPCI_API_VERSION - the version of this ABI
 *
 * Incremented only for incompatible changes; features are probed with the
 * capability bits of &struct upci_info.
 */
#define UPCI_API_VERSION	1

/**
 * define UPCI_TYPE - ioctl type of all upci ioctls
 */
#define UPCI_TYPE		0xBF

/**
 * define UPCI_REGION_OFFSET_SHIFT - log2 of the file offset between regions
 */
#define UPCI_REGION_OFFSET_SHIFT	40

/**
 * enum upci_region_index - the regions of a device
 * @UPCI_REGION_BAR0: BAR 0
 * @UPCI_REGION_BAR1: BAR 1
 * @UPCI_REGION_BAR2: BAR 2
 * @UPCI_REGION_BAR3: BAR 3
 * @UPCI_REGION_BAR4: BAR 4
 * @UPCI_REGION_BAR5: BAR 5
 * @UPCI_REGION_ROM: expansion ROM, read-only
 * @UPCI_REGION_CONFIG: config space, virtualized
 * @UPCI_NUM_REGIONS: number of regions
 */
enum upci_region_index {
	UPCI_REGION_BAR0 = 0,
	UPCI_REGION_BAR1 = 1,
	UPCI_REGION_BAR2 = 2,
	UPCI_REGION_BAR3 = 3,
	UPCI_REGION_BAR4 = 4,
	UPCI_REGION_BAR5 = 5,
	UPCI_REGION_ROM = 6,
	UPCI_REGION_CONFIG = 7,
	UPCI_NUM_REGIONS = 8,
};

/**
 * enum upci_cmd - ioctl numbers
 * @UPCI_CMD_BASE: first number
 * @UPCI_CMD_INFO: see %UPCI_INFO
 * @UPCI_CMD_DEVICE_GET_INFO: see %UPCI_DEVICE_GET_INFO
 * @UPCI_CMD_DEVICE_GET_REGION_INFO: see %UPCI_DEVICE_GET_REGION_INFO
 * @UPCI_CMD_DEVICE_RESET: see %UPCI_DEVICE_RESET
 */
enum upci_cmd {
	UPCI_CMD_BASE = 0x00,
	UPCI_CMD_INFO = 0x00,
	UPCI_CMD_DEVICE_GET_INFO = 0x01,
	UPCI_CMD_DEVICE_GET_REGION_INFO = 0x02,
	UPCI_CMD_DEVICE_RESET = 0x03,
};

/**
 * enum upci_caps - capability bits of &struct upci_info
 * @UPCI_CAP_REGION_RW: regions can be read and written with pread()/pwrite()
 * @UPCI_CAP_MMAP: memory BARs can be mapped, revocably
 * @UPCI_CAP_RESET: %UPCI_DEVICE_RESET exists
 * @UPCI_CAP_CONFIG_VIRT: config space is virtualized as kernel/config.c says
 */
enum upci_caps {
	UPCI_CAP_REGION_RW = 1 << 0,
	UPCI_CAP_MMAP = 1 << 1,
	UPCI_CAP_RESET = 1 << 2,
	UPCI_CAP_CONFIG_VIRT = 1 << 3,
};

/**
 * struct upci_info - ioctl(UPCI_INFO)
 * @size: sizeof(struct upci_info)
 * @flags: must be 0
 * @out_api_version: %UPCI_API_VERSION of the running module
 * @__reserved: must be 0
 * @out_caps: what the running module can do, &enum upci_caps
 *
 * Tells user space which ABI and which features the module has, so it probes
 * features and never kernel versions.
 */
struct upci_info {
	__u32 size;
	__u32 flags;
	__u32 out_api_version;
	__u32 __reserved;
	__aligned_u64 out_caps;
};

/**
 * define UPCI_INFO - get the API version and capabilities
 *
 * _IO(UPCI_TYPE, UPCI_CMD_INFO), argument &struct upci_info.
 * Return: 0, or -1 with errno as in the errno table.
 */
#define UPCI_INFO		_IO(UPCI_TYPE, UPCI_CMD_INFO)

/**
 * enum upci_device_flags - &struct upci_device_info.out_flags
 * @UPCI_DEVICE_FLAG_IOMMU: DMA is isolated by an IOMMU; until the device is
 *	attached to a DMA address space, its DMA is blocked
 * @UPCI_DEVICE_FLAG_ISOLATED_MSI: interrupts are remapped: the device cannot
 *	forge other devices' interrupts
 * @UPCI_DEVICE_FLAG_NO_IOMMU: unsafe no-IOMMU mode (opened with
 *	CAP_SYS_RAWIO): DMA reaches physical memory
 * @UPCI_DEVICE_FLAG_RESET: %UPCI_DEVICE_RESET is available
 * @UPCI_DEVICE_FLAG_PCIE: the function is PCI Express
 * @UPCI_DEVICE_FLAG_VF: the function is an SR-IOV virtual function
 */
enum upci_device_flags {
	UPCI_DEVICE_FLAG_IOMMU = 1 << 0,
	UPCI_DEVICE_FLAG_ISOLATED_MSI = 1 << 1,
	UPCI_DEVICE_FLAG_NO_IOMMU = 1 << 2,
	UPCI_DEVICE_FLAG_RESET = 1 << 3,
	UPCI_DEVICE_FLAG_PCIE = 1 << 4,
	UPCI_DEVICE_FLAG_VF = 1 << 5,
};

/**
 * enum upci_irq_types - &struct upci_device_info.out_irq_types
 * @UPCI_IRQ_TYPE_INTX: the function has an INTx pin
 * @UPCI_IRQ_TYPE_MSI: the function has an MSI capability
 * @UPCI_IRQ_TYPE_MSIX: the function has an MSI-X capability
 */
enum upci_irq_types {
	UPCI_IRQ_TYPE_INTX = 1 << 0,
	UPCI_IRQ_TYPE_MSI = 1 << 1,
	UPCI_IRQ_TYPE_MSIX = 1 << 2,
};

/**
 * struct upci_device_info - ioctl(UPCI_DEVICE_GET_INFO)
 * @size: sizeof(struct upci_device_info)
 * @flags: must be 0
 * @out_flags: &enum upci_device_flags
 * @out_num_regions: number of regions, %UPCI_NUM_REGIONS
 * @out_vendor: PCI vendor ID
 * @out_device: PCI device ID
 * @out_subsystem_vendor: PCI subsystem vendor ID
 * @out_subsystem_device: PCI subsystem ID
 * @out_class: class code (base class, subclass, programming interface)
 * @out_irq_types: &enum upci_irq_types
 * @out_num_msi: number of MSI vectors the function supports, 0 if none
 * @out_num_msix: number of MSI-X vectors, 0 if none
 * @out_iommu_group: IOMMU group number, or -1 (as __u32) without an IOMMU
 * @out_domain: PCI domain (segment)
 * @out_bus: bus number
 * @out_devfn: device and function number, as PCI_DEVFN()
 * @__reserved: must be 0
 */
struct upci_device_info {
	__u32 size;
	__u32 flags;
	__u32 out_flags;
	__u32 out_num_regions;
	__u16 out_vendor;
	__u16 out_device;
	__u16 out_subsystem_vendor;
	__u16 out_subsystem_device;
	__u32 out_class;
	__u32 out_irq_types;
	__u32 out_num_msi;
	__u32 out_num_msix;
	__u32 out_iommu_group;
	__u32 out_domain;
	__u8 out_bus;
	__u8 out_devfn;
	__u16 __reserved;
};

/**
 * define UPCI_DEVICE_GET_INFO - describe the device
 *
 * _IO(UPCI_TYPE, UPCI_CMD_DEVICE_GET_INFO), argument &struct upci_device_info.
 * Return: 0, or -1 with errno as in the errno table.
 */
#define UPCI_DEVICE_GET_INFO	_IO(UPCI_TYPE, UPCI_CMD_DEVICE_GET_INFO)

/**
 * enum upci_region_flags - &struct upci_region_info.out_flags
 * @UPCI_REGION_FLAG_READ: pread() works
 * @UPCI_REGION_FLAG_WRITE: pwrite() works
 * @UPCI_REGION_FLAG_MMAP: mmap() works (memory BARs of at least a page)
 * @UPCI_REGION_FLAG_IO: an I/O port BAR
 * @UPCI_REGION_FLAG_MEM64: a 64-bit memory BAR
 * @UPCI_REGION_FLAG_PREFETCH: a prefetchable memory BAR
 * @UPCI_REGION_FLAG_MMAP_EXCLUDE: the pages from @out_exclude_offset, for
 *	@out_exclude_size bytes, hold the MSI-X table or PBA of a function whose
 *	interrupts are not remapped: they can be neither mapped nor accessed
 */
enum upci_region_flags {
	UPCI_REGION_FLAG_READ = 1 << 0,
	UPCI_REGION_FLAG_WRITE = 1 << 1,
	UPCI_REGION_FLAG_MMAP = 1 << 2,
	UPCI_REGION_FLAG_IO = 1 << 3,
	UPCI_REGION_FLAG_MEM64 = 1 << 4,
	UPCI_REGION_FLAG_PREFETCH = 1 << 5,
	UPCI_REGION_FLAG_MMAP_EXCLUDE = 1 << 6,
};

/**
 * struct upci_region_info - ioctl(UPCI_DEVICE_GET_REGION_INFO)
 * @size: sizeof(struct upci_region_info)
 * @flags: must be 0
 * @index: the region, &enum upci_region_index; EINVAL if out of range
 * @out_flags: &enum upci_region_flags; 0 for an unimplemented BAR
 * @out_size: size of the region in bytes, 0 if unimplemented
 * @out_offset: file offset of the region for pread(), pwrite() and mmap()
 * @out_exclude_offset: with %UPCI_REGION_FLAG_MMAP_EXCLUDE, the page-aligned
 *	offset in the region of the range that is not accessible
 * @out_exclude_size: with %UPCI_REGION_FLAG_MMAP_EXCLUDE, its size
 */
struct upci_region_info {
	__u32 size;
	__u32 flags;
	__u32 index;
	__u32 out_flags;
	__aligned_u64 out_size;
	__aligned_u64 out_offset;
	__aligned_u64 out_exclude_offset;
	__aligned_u64 out_exclude_size;
};

/**
 * define UPCI_DEVICE_GET_REGION_INFO - describe one region
 *
 * _IO(UPCI_TYPE, UPCI_CMD_DEVICE_GET_REGION_INFO), argument
 * &struct upci_region_info.
 * Return: 0, or -1 with errno as in the errno table.
 */
#define UPCI_DEVICE_GET_REGION_INFO \
	_IO(UPCI_TYPE, UPCI_CMD_DEVICE_GET_REGION_INFO)

/**
 * struct upci_device_reset - ioctl(UPCI_DEVICE_RESET)
 * @size: sizeof(struct upci_device_reset)
 * @flags: must be 0
 */
struct upci_device_reset {
	__u32 size;
	__u32 flags;
};

/**
 * define UPCI_DEVICE_RESET - reset the function
 *
 * _IO(UPCI_TYPE, UPCI_CMD_DEVICE_RESET), argument &struct upci_device_reset.
 * Resets the function with the first method the kernel has for it (FLR, AF
 * FLR, power-management reset, ...), saving and restoring config space around
 * it.  BAR mappings are revoked for the duration and fault back in afterwards.
 * Return: 0, or -1 with errno: EOPNOTSUPP when the function has no reset
 * method (%UPCI_DEVICE_FLAG_RESET is clear), EAGAIN when the device is locked
 * by someone else (a reset or a removal in progress), others as in the errno
 * table.
 */
#define UPCI_DEVICE_RESET	_IO(UPCI_TYPE, UPCI_CMD_DEVICE_RESET)

#endif /* _UAPI_LINUX_UPCI_H */
