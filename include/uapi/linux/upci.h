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
 *   zero, or @size is larger than a page (no struct ever will be).
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
 * - EACCES: open() of a device node without both read and write access
 *   (``O_RDWR`` is required; file permissions give EACCES as usual).
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
 * the hardware never changes), MSI and MSI-X are read-only, COMMAND's
 * INTx-disable bit is virtual (the kernel owns it, see Interrupts), power
 * state and function-level reset go through the kernel, and bits that could
 * break isolation are read-only.  The full table is in kernel/config.c.
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
 * @UPCI_CAP_IRQ: interrupts to eventfds: %UPCI_DEVICE_GET_IRQ_INFO,
 *	%UPCI_DEVICE_SET_IRQS and %UPCI_DEVICE_IRQ_UNMASK exist
 */
enum upci_caps {
	UPCI_CAP_REGION_RW = 1 << 0,
	UPCI_CAP_MMAP = 1 << 1,
	UPCI_CAP_RESET = 1 << 2,
	UPCI_CAP_CONFIG_VIRT = 1 << 3,
	UPCI_CAP_IRQ = 1 << 4,
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

/**
 * DOC: DMA address spaces
 *
 * Every open() of ``/dev/upci/iommu`` creates a new, empty DMA address space:
 * a set of mappings of the caller's memory at I/O virtual addresses (IOVAs).
 * A device attached to it (%UPCI_DEVICE_ATTACH) can DMA to those IOVAs and
 * nowhere else; a device that is not attached anywhere cannot DMA at all.
 * Several devices can share one space.
 *
 * %UPCI_IOAS_MAP pins the pages of a range of the caller's memory
 * (anonymous, memfd/shmem or hugetlbfs) and charges them to the locked
 * memory (RLIMIT_MEMLOCK) of the user who opened the space, across all the
 * user's processes; CAP_IPC_LOCK at open lifts the limit.  When the process
 * unmaps, remaps or discards mapped memory (munmap(), mremap(),
 * MADV_DONTNEED, exit), the kernel removes the IOVA mapping, unpins and
 * uncharges before that call returns, signals the eventfd set with
 * %UPCI_IOAS_SET_EVENTFD and queues the range for %UPCI_IOAS_GET_REVOKED.
 * fork() and mprotect() leave mappings alone.  (Memory reclaim may, rarely,
 * try to unmap a pinned page; that also revokes its mapping.)
 *
 * %UPCI_IOAS_UNMAP removes whole mappings only: a range that contains part of
 * a mapping gets EINVAL and nothing is unmapped.
 *
 * Without an IOMMU (a space opened with CAP_SYS_RAWIO on a machine whose PCI
 * devices have no IOMMU), IOVAs are physical addresses: %UPCI_IOAS_MAP
 * accepts only physically contiguous memory and returns its physical
 * address; only devices opened in no-IOMMU mode attach.
 *
 * Further errnos of these ioctls: EEXIST for a fixed IOVA range that
 * overlaps a mapping, ENOSPC when no free IOVA range fits (or the space has
 * %max_mappings mappings, or %max_revoked revoked ranges not yet read with
 * %UPCI_IOAS_GET_REVOKED: module parameters), EMSGSIZE when an output array
 * is too small (the count needed is returned), EFAULT for user memory that is
 * not mapped with the permissions asked, EBADF for a descriptor that is not
 * an eventfd or a DMA address space.
 */

/**
 * enum upci_ioas_cmd - ioctl numbers of DMA address spaces and attachment
 * @UPCI_CMD_DEVICE_ATTACH: see %UPCI_DEVICE_ATTACH
 * @UPCI_CMD_DEVICE_DETACH: see %UPCI_DEVICE_DETACH
 * @UPCI_CMD_IOAS_GET_INFO: see %UPCI_IOAS_GET_INFO
 * @UPCI_CMD_IOAS_MAP: see %UPCI_IOAS_MAP
 * @UPCI_CMD_IOAS_UNMAP: see %UPCI_IOAS_UNMAP
 * @UPCI_CMD_IOAS_SET_EVENTFD: see %UPCI_IOAS_SET_EVENTFD
 * @UPCI_CMD_IOAS_GET_REVOKED: see %UPCI_IOAS_GET_REVOKED
 */
enum upci_ioas_cmd {
	UPCI_CMD_DEVICE_ATTACH = 0x10,
	UPCI_CMD_DEVICE_DETACH = 0x11,
	UPCI_CMD_IOAS_GET_INFO = 0x20,
	UPCI_CMD_IOAS_MAP = 0x21,
	UPCI_CMD_IOAS_UNMAP = 0x22,
	UPCI_CMD_IOAS_SET_EVENTFD = 0x23,
	UPCI_CMD_IOAS_GET_REVOKED = 0x24,
};

/**
 * struct upci_device_attach - ioctl(UPCI_DEVICE_ATTACH)
 * @size: sizeof(struct upci_device_attach)
 * @flags: must be 0
 * @ioas_fd: a file descriptor of ``/dev/upci/iommu``
 * @__reserved: must be 0
 */
struct upci_device_attach {
	__u32 size;
	__u32 flags;
	__s32 ioas_fd;
	__u32 __reserved;
};

/**
 * define UPCI_DEVICE_ATTACH - let the device DMA into an address space
 *
 * _IO(UPCI_TYPE, UPCI_CMD_DEVICE_ATTACH), argument &struct upci_device_attach,
 * on a device file.  The device sees every mapping of the space, present and
 * future.  Return: 0, or -1 with errno: EBUSY if the device is already
 * attached (or its IOMMU group is attached to another space), EBADF if
 * @ioas_fd is not a DMA address space, EINVAL if the space and the device
 * disagree (IOMMU and no-IOMMU, or an existing mapping lies in a range the
 * device's IOMMU cannot translate), others as in the errno table.
 */
#define UPCI_DEVICE_ATTACH	_IO(UPCI_TYPE, UPCI_CMD_DEVICE_ATTACH)

/**
 * struct upci_device_detach - ioctl(UPCI_DEVICE_DETACH)
 * @size: sizeof(struct upci_device_detach)
 * @flags: must be 0
 */
struct upci_device_detach {
	__u32 size;
	__u32 flags;
};

/**
 * define UPCI_DEVICE_DETACH - block the device's DMA again
 *
 * _IO(UPCI_TYPE, UPCI_CMD_DEVICE_DETACH), argument &struct upci_device_detach,
 * on a device file.  Closing the device or the address space detaches too.
 * Return: 0, or -1 with errno: ENOENT if the device is not attached.
 */
#define UPCI_DEVICE_DETACH	_IO(UPCI_TYPE, UPCI_CMD_DEVICE_DETACH)

/**
 * struct upci_iova_range - an inclusive range of IOVAs
 * @start: first IOVA
 * @last: last IOVA (inclusive)
 */
struct upci_iova_range {
	__aligned_u64 start;
	__aligned_u64 last;
};

/**
 * enum upci_ioas_flags - &struct upci_ioas_info.out_flags
 * @UPCI_IOAS_FLAG_NO_IOMMU: IOVAs are physical addresses (no-IOMMU mode)
 * @UPCI_IOAS_FLAG_LOCK_CAP: opened with CAP_IPC_LOCK: no memlock limit
 */
enum upci_ioas_flags {
	UPCI_IOAS_FLAG_NO_IOMMU = 1 << 0,
	UPCI_IOAS_FLAG_LOCK_CAP = 1 << 1,
};

/**
 * struct upci_ioas_info - ioctl(UPCI_IOAS_GET_INFO)
 * @size: sizeof(struct upci_ioas_info)
 * @flags: must be 0
 * @out_flags: &enum upci_ioas_flags
 * @num_ranges: in: entries @ranges has room for; out: number of usable IOVA
 *	ranges (EMSGSIZE if that is more than the room, nothing written)
 * @ranges: user pointer to an array of &struct upci_iova_range: the IOVAs
 *	the attached devices' IOMMUs translate, less their reserved regions
 *	(such as the MSI window); with no device attached, the widest
 *	range the space accepts
 * @out_pgsizes: bitmap of the IOMMU page sizes; the smallest is the
 *	alignment of every map and unmap
 * @out_num_mappings: number of mappings
 * @out_num_devices: number of attached devices
 * @out_num_revoked: revoked ranges not yet read with %UPCI_IOAS_GET_REVOKED
 * @out_mapped_bytes: bytes mapped
 * @out_pinned_pages: pages pinned by this space
 * @out_user_locked_pages: pages charged to the opener's user, by every
 *	space and everything else that charges a user's locked memory
 * @out_num_domains: IOMMU domains the space keeps (one per IOMMU in use;
 *	every mapping is mirrored into each)
 * @__reserved: must be 0
 */
struct upci_ioas_info {
	__u32 size;
	__u32 flags;
	__u32 out_flags;
	__u32 num_ranges;
	__aligned_u64 ranges;
	__aligned_u64 out_pgsizes;
	__aligned_u64 out_num_mappings;
	__u32 out_num_devices;
	__u32 out_num_revoked;
	__aligned_u64 out_mapped_bytes;
	__aligned_u64 out_pinned_pages;
	__aligned_u64 out_user_locked_pages;
	__u32 out_num_domains;
	__u32 __reserved;
};

/**
 * define UPCI_IOAS_GET_INFO - describe a DMA address space
 *
 * _IO(UPCI_TYPE, UPCI_CMD_IOAS_GET_INFO), argument &struct upci_ioas_info.
 * Return: 0, or -1 with errno as in the errno table (EMSGSIZE above).
 */
#define UPCI_IOAS_GET_INFO	_IO(UPCI_TYPE, UPCI_CMD_IOAS_GET_INFO)

/**
 * enum upci_ioas_map_flags - &struct upci_ioas_map.flags
 * @UPCI_IOAS_MAP_READ: the device may read the memory
 * @UPCI_IOAS_MAP_WRITE: the device may write the memory
 * @UPCI_IOAS_MAP_FIXED_IOVA: map at @iova; otherwise the kernel chooses
 */
enum upci_ioas_map_flags {
	UPCI_IOAS_MAP_READ = 1 << 0,
	UPCI_IOAS_MAP_WRITE = 1 << 1,
	UPCI_IOAS_MAP_FIXED_IOVA = 1 << 2,
};

/**
 * struct upci_ioas_map - ioctl(UPCI_IOAS_MAP)
 * @size: sizeof(struct upci_ioas_map)
 * @flags: &enum upci_ioas_map_flags; READ and/or WRITE is required
 * @user_va: address of the memory in the caller's address space
 * @length: bytes to map
 * @iova: in with %UPCI_IOAS_MAP_FIXED_IOVA, else out: where it is mapped
 * @iova_limit: highest IOVA the mapping may reach, for devices with a narrow
 *	DMA mask (0x0fffffff for 28 bits); 0 means no limit
 *
 * @user_va, @length and @iova are multiples of the smallest IOMMU page
 * size.  A kernel-chosen IOVA is aligned like @user_va within the largest
 * IOMMU page size that fits in @length, so that huge pages map as huge IOMMU
 * pages.
 */
struct upci_ioas_map {
	__u32 size;
	__u32 flags;
	__aligned_u64 user_va;
	__aligned_u64 length;
	__aligned_u64 iova;
	__aligned_u64 iova_limit;
};

/**
 * define UPCI_IOAS_MAP - map memory of the caller for DMA
 *
 * _IO(UPCI_TYPE, UPCI_CMD_IOAS_MAP), argument &struct upci_ioas_map.
 * Return: 0, or -1 with errno: ENOMEM over the user's RLIMIT_MEMLOCK (with a
 * kernel message), EEXIST, ENOSPC, EFAULT as above, EINVAL for a zero or
 * misaligned length, address or IOVA, an IOVA outside the usable ranges or
 * above @iova_limit, or (no-IOMMU) memory that is not physically contiguous,
 * EOVERFLOW if an address plus @length overflows, EINTR if a fatal signal
 * arrived while pinning.
 */
#define UPCI_IOAS_MAP		_IO(UPCI_TYPE, UPCI_CMD_IOAS_MAP)

/**
 * enum upci_ioas_unmap_flags - &struct upci_ioas_unmap.flags
 * @UPCI_IOAS_UNMAP_ALL: unmap everything; @iova and @length must be 0
 */
enum upci_ioas_unmap_flags {
	UPCI_IOAS_UNMAP_ALL = 1 << 0,
};

/**
 * struct upci_ioas_unmap - ioctl(UPCI_IOAS_UNMAP)
 * @size: sizeof(struct upci_ioas_unmap)
 * @flags: &enum upci_ioas_unmap_flags
 * @iova: first IOVA of the range
 * @length: length of the range
 * @out_unmapped: bytes unmapped
 */
struct upci_ioas_unmap {
	__u32 size;
	__u32 flags;
	__aligned_u64 iova;
	__aligned_u64 length;
	__aligned_u64 out_unmapped;
};

/**
 * define UPCI_IOAS_UNMAP - unmap every mapping inside a range
 *
 * _IO(UPCI_TYPE, UPCI_CMD_IOAS_UNMAP), argument &struct upci_ioas_unmap.
 * When it returns, no device can reach the memory and its pages are unpinned
 * and uncharged.  Return: 0, or -1 with errno: ENOENT if the range holds no
 * mapping, EINVAL if it holds part of one (nothing is unmapped), EOVERFLOW,
 * others as in the errno table.
 */
#define UPCI_IOAS_UNMAP		_IO(UPCI_TYPE, UPCI_CMD_IOAS_UNMAP)

/**
 * struct upci_ioas_set_eventfd - ioctl(UPCI_IOAS_SET_EVENTFD)
 * @size: sizeof(struct upci_ioas_set_eventfd)
 * @flags: must be 0
 * @fd: an eventfd, signalled once per revoked mapping; -1 removes it
 * @__reserved: must be 0
 */
struct upci_ioas_set_eventfd {
	__u32 size;
	__u32 flags;
	__s32 fd;
	__u32 __reserved;
};

/**
 * define UPCI_IOAS_SET_EVENTFD - be told of revoked mappings
 *
 * _IO(UPCI_TYPE, UPCI_CMD_IOAS_SET_EVENTFD), argument
 * &struct upci_ioas_set_eventfd.
 * Return: 0, or -1 with errno: EBADF if @fd is not an eventfd.
 */
#define UPCI_IOAS_SET_EVENTFD	_IO(UPCI_TYPE, UPCI_CMD_IOAS_SET_EVENTFD)

/**
 * struct upci_revoked_range - a mapping the kernel tore down
 * @iova: its first IOVA
 * @length: its length
 * @user_va: the user address it mapped
 */
struct upci_revoked_range {
	__aligned_u64 iova;
	__aligned_u64 length;
	__aligned_u64 user_va;
};

/**
 * struct upci_ioas_get_revoked - ioctl(UPCI_IOAS_GET_REVOKED)
 * @size: sizeof(struct upci_ioas_get_revoked)
 * @flags: must be 0
 * @num_ranges: in: entries @ranges has room for; out: entries written
 * @out_remaining: revoked ranges still queued after this call
 * @ranges: user pointer to an array of &struct upci_revoked_range
 */
struct upci_ioas_get_revoked {
	__u32 size;
	__u32 flags;
	__u32 num_ranges;
	__u32 out_remaining;
	__aligned_u64 ranges;
};

/**
 * define UPCI_IOAS_GET_REVOKED - read and forget revoked mappings
 *
 * _IO(UPCI_TYPE, UPCI_CMD_IOAS_GET_REVOKED), argument
 * &struct upci_ioas_get_revoked.  Returns the oldest revoked ranges first;
 * their IOVAs are free again from the moment of revocation.
 * Return: 0, or -1 with errno as in the errno table.
 */
#define UPCI_IOAS_GET_REVOKED	_IO(UPCI_TYPE, UPCI_CMD_IOAS_GET_REVOKED)

/**
 * DOC: Interrupts
 *
 * A device's interrupts reach the process through eventfds (eventfd(2)): each
 * interrupt vector the process connects adds one to the count of the eventfd
 * it gave, so the process sleeps in read(), poll() or epoll on it.  There are
 * three interrupt types, &enum upci_irq_type: INTx, MSI and MSI-X; the
 * vectors of a type are numbered from 0 (INTx has one).
 * %UPCI_DEVICE_GET_IRQ_INFO says how many vectors each type has.
 *
 * %UPCI_DEVICE_SET_IRQS connects, replaces and disconnects the eventfds of a
 * range of vectors of one type, and turns the type off with a count of 0.
 * One type is active at a time: the first call with a non-zero count
 * activates its type, and any other type then gets EBUSY until it is turned
 * off.  The kernel programs the MSI and MSI-X capabilities and tables; in
 * config space they are read-only.  Closing the device (or the process's
 * death, or the device's removal) turns everything off.  Closing an eventfd
 * that is connected is harmless: the kernel keeps its own reference until
 * the vector is disconnected.
 *
 * INTx is level-triggered and may be shared with other devices, so the
 * kernel masks it (with the INTx-disable bit of COMMAND, PCI 2.3) each time
 * it fires, before it signals the eventfd; nothing more arrives until the
 * process has serviced the device and called %UPCI_DEVICE_IRQ_UNMASK.  If
 * the device still asserts INTx at that moment, the interrupt stays masked
 * and the eventfd is signalled again at once.  A device that keeps INTx
 * asserted thus costs one interrupt per unmask, never a storm.  A device
 * whose INTx cannot be masked does not get INTx (EOPNOTSUPP).  While INTx is
 * not active the kernel keeps it disabled in the hardware; COMMAND's
 * INTx-disable bit in config space is virtual: the user's writes never reach
 * the hardware.
 *
 * MSI and MSI-X messages are memory writes: the device sends them only
 * with bus mastering on (COMMAND's bus master bit, which the user sets).
 *
 * MSI: the kernel enables as many vectors as the device offers (or at least
 * as many as the call needs, when the machine cannot give them all) when the
 * type is activated; interrupts of a vector without an eventfd are dropped.
 *
 * MSI-X: a vector is enabled in the device when it is first connected and
 * stays enabled until MSI-X is turned off; connecting, replacing and
 * disconnecting vectors never disturbs the others.  A disconnected MSI-X
 * vector is masked, and the device holds its interrupt pending until it is
 * connected again.
 *
 * Further errnos of these ioctls: EBADF for a descriptor that is not an
 * eventfd (or not open), EBUSY for another active type, ENOSPC when the
 * machine has no interrupt vectors left, EOPNOTSUPP for INTx on a device
 * that cannot mask it.
 */

/**
 * enum upci_irq_cmd - ioctl numbers of interrupts
 * @UPCI_CMD_DEVICE_GET_IRQ_INFO: see %UPCI_DEVICE_GET_IRQ_INFO
 * @UPCI_CMD_DEVICE_SET_IRQS: see %UPCI_DEVICE_SET_IRQS
 * @UPCI_CMD_DEVICE_IRQ_UNMASK: see %UPCI_DEVICE_IRQ_UNMASK
 */
enum upci_irq_cmd {
	UPCI_CMD_DEVICE_GET_IRQ_INFO = 0x30,
	UPCI_CMD_DEVICE_SET_IRQS = 0x31,
	UPCI_CMD_DEVICE_IRQ_UNMASK = 0x32,
};

/**
 * enum upci_irq_type - interrupt types
 * @UPCI_IRQ_INTX: INTx (legacy, level-triggered, one vector)
 * @UPCI_IRQ_MSI: MSI
 * @UPCI_IRQ_MSIX: MSI-X
 * @UPCI_IRQ_NUM_TYPES: number of types
 *
 * ``1 << type`` is the type's bit in &enum upci_irq_types.
 */
enum upci_irq_type {
	UPCI_IRQ_INTX = 0,
	UPCI_IRQ_MSI = 1,
	UPCI_IRQ_MSIX = 2,
	UPCI_IRQ_NUM_TYPES = 3,
};

/**
 * enum upci_irq_info_flags - &struct upci_irq_info.out_flags
 * @UPCI_IRQ_INFO_MASKABLE: the hardware can mask the vectors: INTx through
 *	the INTx-disable bit, MSI with per-vector mask bits, MSI-X always.
 *	INTx without it cannot be used (%UPCI_DEVICE_SET_IRQS: EOPNOTSUPP)
 * @UPCI_IRQ_INFO_AUTOMASKED: every interrupt masks its vector until
 *	%UPCI_DEVICE_IRQ_UNMASK (INTx)
 * @UPCI_IRQ_INFO_ACTIVE: this type is the active one
 */
enum upci_irq_info_flags {
	UPCI_IRQ_INFO_MASKABLE = 1 << 0,
	UPCI_IRQ_INFO_AUTOMASKED = 1 << 1,
	UPCI_IRQ_INFO_ACTIVE = 1 << 2,
};

/**
 * struct upci_irq_info - ioctl(UPCI_DEVICE_GET_IRQ_INFO)
 * @size: sizeof(struct upci_irq_info)
 * @flags: must be 0
 * @type: the interrupt type, &enum upci_irq_type; EINVAL if unknown
 * @out_flags: &enum upci_irq_info_flags
 * @out_count: number of vectors of the type; 0 if the device does not have
 *	it
 * @out_connected: with %UPCI_IRQ_INFO_ACTIVE, how many vectors have an
 *	eventfd; else 0
 */
struct upci_irq_info {
	__u32 size;
	__u32 flags;
	__u32 type;
	__u32 out_flags;
	__u32 out_count;
	__u32 out_connected;
};

/**
 * define UPCI_DEVICE_GET_IRQ_INFO - describe one interrupt type
 *
 * _IO(UPCI_TYPE, UPCI_CMD_DEVICE_GET_IRQ_INFO), argument
 * &struct upci_irq_info.
 * Return: 0, or -1 with errno as in the errno table.
 */
#define UPCI_DEVICE_GET_IRQ_INFO \
	_IO(UPCI_TYPE, UPCI_CMD_DEVICE_GET_IRQ_INFO)

/**
 * struct upci_irq_set - ioctl(UPCI_DEVICE_SET_IRQS)
 * @size: sizeof(struct upci_irq_set)
 * @flags: must be 0
 * @type: the interrupt type, &enum upci_irq_type
 * @start: first vector
 * @count: number of vectors, or 0 to turn @type off (then @start must be 0)
 * @__reserved: must be 0
 * @eventfds: user pointer to @count ``__s32``: for vector @start + i, an
 *	eventfd to connect (replacing the one connected, if any), or -1 to
 *	disconnect it
 */
struct upci_irq_set {
	__u32 size;
	__u32 flags;
	__u32 type;
	__u32 start;
	__u32 count;
	__u32 __reserved;
	__aligned_u64 eventfds;
};

/**
 * define UPCI_DEVICE_SET_IRQS - connect interrupt vectors to eventfds
 *
 * _IO(UPCI_TYPE, UPCI_CMD_DEVICE_SET_IRQS), argument &struct upci_irq_set.
 * Activates @type if no type is active.  The call is all or nothing: on any
 * error, nothing changed.
 * Return: 0, or -1 with errno: EINVAL for an unknown @type, @start + @count
 * past &struct upci_irq_info.out_count, an entry below -1 or a non-zero
 * @__reserved; EBADF for an entry that is not an open eventfd; EBUSY if
 * another type is active; EOPNOTSUPP for INTx on a device that cannot mask
 * it; ENOSPC if the machine is out of interrupt vectors; others as in the
 * errno table.  Turning off a type that is not active succeeds and does
 * nothing.
 */
#define UPCI_DEVICE_SET_IRQS	_IO(UPCI_TYPE, UPCI_CMD_DEVICE_SET_IRQS)

/**
 * struct upci_irq_unmask - ioctl(UPCI_DEVICE_IRQ_UNMASK)
 * @size: sizeof(struct upci_irq_unmask)
 * @flags: must be 0
 * @type: the interrupt type; only %UPCI_IRQ_INTX is automasked
 * @index: the vector, 0
 */
struct upci_irq_unmask {
	__u32 size;
	__u32 flags;
	__u32 type;
	__u32 index;
};

/**
 * define UPCI_DEVICE_IRQ_UNMASK - unmask INTx after servicing the device
 *
 * _IO(UPCI_TYPE, UPCI_CMD_DEVICE_IRQ_UNMASK), argument
 * &struct upci_irq_unmask.  Unmasks INTx if it was masked by an interrupt;
 * if the device still asserts INTx, it stays masked and its eventfd is
 * signalled again.  Unmasking an unmasked INTx does nothing.
 * Return: 0, or -1 with errno: EINVAL if @type is not %UPCI_IRQ_INTX or
 * @index is not 0, ENOENT if INTx is not active, others as in the errno
 * table.
 */
#define UPCI_DEVICE_IRQ_UNMASK	_IO(UPCI_TYPE, UPCI_CMD_DEVICE_IRQ_UNMASK)

#endif /* _UAPI_LINUX_UPCI_H */
