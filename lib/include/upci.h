/* SPDX-License-Identifier: LGPL-2.1-or-later OR MIT */
/*
 * libupci: drive a PCI function from user space, over upci.ko or VFIO.
 *
 * The same calls work whichever kernel driver the function is bound to:
 * upci (``/dev/upci/<BDF>`` and ``/dev/upci/iommu``) or vfio-pci (an IOMMU
 * group and a type1 container).  A driver is a handful of calls:
 *
 *	struct upci_dev *dev;
 *	struct upci_dma_buf buf;
 *	void *bar;
 *
 *	upci_dev_open("0000:00:03.0", NULL, 0, &dev);   // private DMA space
 *	upci_dev_set_dma_mask(dev, 28);
 *	upci_dev_enable(dev);                            // memory decode, bus master
 *	upci_bar_map(dev, 0, &bar, NULL);
 *	upci_dma_alloc(upci_dev_dma(dev), 4096, 0, &buf);
 *	upci_mmio_write64(bar, 0x80, buf.iova);
 *	...
 *	upci_dma_free(upci_dev_dma(dev), &buf);
 *	upci_dev_close(dev);
 *
 * Conventions: every function that can fail returns 0 or a negative errno
 * and hands its results back through pointer arguments; the library never
 * exits, aborts or prints, except through the log callback given to
 * upci_set_log().  Objects may be used from several threads, but one object
 * must not be closed while another thread uses it.
 *
 * This header needs only the C library, and compiles as C and as C++.
 */
#ifndef UPCI_LIB_H
#define UPCI_LIB_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define UPCI_LIB_VERSION_MAJOR	0
#define UPCI_LIB_VERSION_MINOR	1

/* ---------------------------------------------------------------- logging */

/** enum upci_log_level - levels of log messages, as syslog(3) numbers them */
enum upci_log_level {
	UPCI_LOG_ERR = 3,
	UPCI_LOG_WARNING = 4,
	UPCI_LOG_INFO = 6,
	UPCI_LOG_DEBUG = 7,
};

/**
 * typedef upci_log_fn - receives one log message
 * @arg: the argument given to upci_set_log()
 * @level: &enum upci_log_level
 * @msg: the message, one line without a newline
 */
typedef void (*upci_log_fn)(void *arg, int level, const char *msg);

/**
 * upci_set_log() - send the library's messages somewhere
 * @fn: the callback, or NULL (the default) for silence
 * @arg: passed to @fn
 * @max_level: messages above this level are dropped
 *
 * Error messages say what failed and what to do about it (for instance the
 * `upci bind` command that grants a device).  Process-wide.
 */
void upci_set_log(upci_log_fn fn, void *arg, int max_level);

/**
 * upci_log_stderr() - a log callback that prints "libupci: MSG" on stderr
 * @arg: unused
 * @level: the level
 * @msg: the message
 */
void upci_log_stderr(void *arg, int level, const char *msg);

/**
 * upci_log() - send one message to the callback of upci_set_log()
 * @level: &enum upci_log_level
 * @fmt: printf format of the message (one line, no newline)
 *
 * For the libraries layered on libupci (the NIC interface, the messaging
 * library), so that one callback hears every layer.
 */
void upci_log(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---------------------------------------------------------------- discovery */

/** define UPCI_BDF_LEN - room for a BDF string "dddd:bb:dd.f" and its NUL */
#define UPCI_BDF_LEN		13
/** define UPCI_DRIVER_LEN - room for a kernel driver name */
#define UPCI_DRIVER_LEN		64

/**
 * struct upci_pci_func - a PCI function as sysfs describes it
 * @bdf: its address, "dddd:bb:dd.f"
 * @vendor: vendor ID
 * @device: device ID
 * @subsystem_vendor: subsystem vendor ID
 * @subsystem_device: subsystem ID
 * @class_code: class code (base class, subclass, programming interface)
 * @iommu_group: IOMMU group number, -1 without an IOMMU
 * @driver: name of the bound kernel driver, "" if none
 */
struct upci_pci_func {
	char bdf[UPCI_BDF_LEN];
	uint16_t vendor;
	uint16_t device;
	uint16_t subsystem_vendor;
	uint16_t subsystem_device;
	uint32_t class_code;
	int iommu_group;
	char driver[UPCI_DRIVER_LEN];
};

/**
 * upci_parse_bdf() - parse and canonicalize a PCI address
 * @str: "dddd:bb:dd.f" or "bb:dd.f" (domain 0), hexadecimal
 * @bdf: out: the canonical "dddd:bb:dd.f", UPCI_BDF_LEN bytes
 *
 * Return: 0, or -EINVAL if @str is not a PCI address.
 */
int upci_parse_bdf(const char *str, char bdf[UPCI_BDF_LEN]);

/**
 * upci_pci_lookup() - describe one PCI function
 * @bdf: its address, in any form upci_parse_bdf() accepts
 * @func: out: its description
 *
 * Return: 0, -EINVAL for a bad address, -ENODEV if there is no such function.
 */
int upci_pci_lookup(const char *bdf, struct upci_pci_func *func);

/**
 * upci_pci_scan() - list every PCI function, sorted by address
 * @funcs: out: an array to release with free()
 * @count: out: its length
 *
 * Return: 0, -ENOMEM, or -errno if sysfs cannot be read.
 */
int upci_pci_scan(struct upci_pci_func **funcs, size_t *count);

/**
 * upci_group_check() - may the function's IOMMU group be handed out?
 * @bdf: the function
 * @blocker: out: when the answer is no, the address of a function of the
 *	group that is bound to a kernel driver (UPCI_BDF_LEN bytes); may be NULL
 * @driver: out: that function's driver (UPCI_DRIVER_LEN bytes); may be NULL
 *
 * A group is safe when every function in it is bound to upci, vfio-pci,
 * pci-stub, pcieport or to no driver, which is what upci.ko demands to open
 * a device.
 *
 * Return: 0 if safe, -EBUSY if not (with @blocker named), -ENODEV if no such
 * function, -ENOENT if it has no IOMMU group.
 */
int upci_group_check(const char *bdf, char *blocker, char *driver);

/* ---------------------------------------------------------------- devices */

struct upci_dev;
struct upci_dma;

/** enum upci_backend - which kernel interface a device is driven through */
enum upci_backend {
	UPCI_BACKEND_UPCI = 1,	/* upci.ko: /dev/upci/<BDF> */
	UPCI_BACKEND_VFIO = 2,	/* vfio-pci: group + type1 container */
};

/**
 * enum upci_dev_flags - &struct upci_dev_info.flags
 * @UPCI_DEV_IOMMU: DMA is translated by an IOMMU
 * @UPCI_DEV_RESET: upci_dev_reset() is supported
 * @UPCI_DEV_PCIE: a PCI Express function
 * @UPCI_DEV_NO_IOMMU: unsafe no-IOMMU mode: IOVAs are physical addresses
 */
enum upci_dev_flags {
	UPCI_DEV_IOMMU = 1 << 0,
	UPCI_DEV_RESET = 1 << 1,
	UPCI_DEV_PCIE = 1 << 2,
	UPCI_DEV_NO_IOMMU = 1 << 3,
};

/**
 * enum upci_irq_mode - kinds of interrupts, as bits in
 * &struct upci_dev_info.irq_types and as values for upci_irq_enable()
 * @UPCI_INTX: the legacy INTx pin
 * @UPCI_MSI: MSI
 * @UPCI_MSIX: MSI-X
 */
enum upci_irq_mode {
	UPCI_INTX = 1 << 0,
	UPCI_MSI = 1 << 1,
	UPCI_MSIX = 1 << 2,
};

/**
 * struct upci_dev_info - what upci_dev_info() reports
 * @bdf: the address
 * @backend: &enum upci_backend
 * @flags: &enum upci_dev_flags
 * @vendor: vendor ID
 * @device: device ID
 * @subsystem_vendor: subsystem vendor ID
 * @subsystem_device: subsystem ID
 * @class_code: class code
 * @irq_types: &enum upci_irq_mode bits the function has
 * @num_msi: MSI vectors, 0 if none
 * @num_msix: MSI-X vectors, 0 if none
 * @iommu_group: IOMMU group number, -1 if none
 */
struct upci_dev_info {
	char bdf[UPCI_BDF_LEN];
	int backend;
	uint32_t flags;
	uint16_t vendor;
	uint16_t device;
	uint16_t subsystem_vendor;
	uint16_t subsystem_device;
	uint32_t class_code;
	uint32_t irq_types;
	uint32_t num_msi;
	uint32_t num_msix;
	int iommu_group;
};

/**
 * upci_dev_open() - open a PCI function and attach it to a DMA space
 * @bdf: its address ("0000:00:03.0" or "00:03.0")
 * @dma: the DMA space to attach it to (see upci_dma_open(); the device holds
 *	a reference), or NULL for a new private space, upci_dev_dma()
 * @flags: 0 (no flag is defined yet: -EOPNOTSUPP)
 * @dev: out: the device
 *
 * The backend follows the function's kernel driver: upci or vfio-pci.  Until
 * the device is attached to a DMA space it cannot DMA at all.
 *
 * Return: 0, or -errno: -ENODEV no such function, or it is bound to neither
 * upci nor vfio-pci; -EACCES no permission on its node (the log says which
 * command grants it); -EBUSY it is open already or its IOMMU group is not
 * safe; -EPERM no IOMMU; -EXDEV @dma belongs to the other backend; -EINVAL.
 */
int upci_dev_open(const char *bdf, struct upci_dma *dma, unsigned int flags,
		  struct upci_dev **dev);

/**
 * upci_dev_close() - stop the device's DMA and interrupts, close it
 * @dev: the device, or NULL
 *
 * Unmaps its BARs, frees its interrupts and drops its reference to its DMA
 * space.
 */
void upci_dev_close(struct upci_dev *dev);

/**
 * upci_dev_info() - describe an open device
 * @dev: the device
 * @info: out: its description
 *
 * Return: 0, or -ENODEV if the device was removed.
 */
int upci_dev_info(struct upci_dev *dev, struct upci_dev_info *info);

/**
 * upci_dev_fd() - the device's file descriptor, for poll() or ioctl()
 * @dev: the device
 *
 * Return: the fd (owned by the library), never fails.
 */
int upci_dev_fd(const struct upci_dev *dev);

/**
 * upci_dev_dma() - the DMA space the device is attached to
 * @dev: the device
 *
 * Return: the space, borrowed: valid while @dev is open; pass it to
 * upci_dev_open() to share it with another device.
 */
struct upci_dma *upci_dev_dma(const struct upci_dev *dev);

/**
 * upci_dev_set_dma_mask() - say how many address bits the device drives
 * @dev: the device
 * @bits: 1..64 (for instance 28 for QEMU's edu device)
 *
 * Later IOVAs of its DMA space are chosen below 2^@bits (and below the
 * masks of the other devices of the space).  The default is 64.
 *
 * Return: 0, or -EINVAL.
 */
int upci_dev_set_dma_mask(struct upci_dev *dev, unsigned int bits);

/**
 * upci_dev_enable() - turn on memory (and I/O) decode and bus mastering
 * @dev: the device
 *
 * Return: 0, or -errno of the config space access.
 */
int upci_dev_enable(struct upci_dev *dev);

/**
 * upci_dev_reset() - reset the function
 * @dev: the device
 *
 * Its BAR mappings stay valid; config space is saved and restored by the
 * kernel.  Return: 0, or -EOPNOTSUPP (no reset method), -EAGAIN, -ENODEV.
 */
int upci_dev_reset(struct upci_dev *dev);

/* ---------------------------------------------------------------- regions */

/** define UPCI_REGION_CONFIG_INDEX - the region index of config space */
#define UPCI_REGION_CONFIG_INDEX	7
/** define UPCI_REGION_ROM_INDEX - the region index of the expansion ROM */
#define UPCI_REGION_ROM_INDEX		6

/**
 * enum upci_region_bits - &struct upci_region.flags
 * @UPCI_REGION_READABLE: upci_region_read() works
 * @UPCI_REGION_WRITABLE: upci_region_write() works
 * @UPCI_REGION_MAPPABLE: upci_bar_map() works
 * @UPCI_REGION_IO_PORT: an I/O port BAR
 */
enum upci_region_bits {
	UPCI_REGION_READABLE = 1 << 0,
	UPCI_REGION_WRITABLE = 1 << 1,
	UPCI_REGION_MAPPABLE = 1 << 2,
	UPCI_REGION_IO_PORT = 1 << 3,
};

/**
 * struct upci_region - what upci_region_info() reports
 * @size: bytes, 0 for an unimplemented region
 * @flags: &enum upci_region_bits
 */
struct upci_region {
	uint64_t size;
	uint32_t flags;
};

/**
 * upci_region_info() - describe a region
 * @dev: the device
 * @index: 0-5 for the BARs, 6 for the ROM, 7 for config space
 * @region: out: its description
 *
 * Return: 0, or -EINVAL for a bad index, -ENODEV.
 */
int upci_region_info(struct upci_dev *dev, unsigned int index,
		     struct upci_region *region);

/**
 * upci_region_read() - read a region
 * @dev: the device
 * @index: the region
 * @offset: offset in it
 * @buf: where to put the bytes
 * @len: how many; 1, 2, 4 or 8 bytes at a naturally aligned offset are one
 *	access of that width
 *
 * Return: 0, or -EINVAL (outside the region, misaligned), -EIO, -ENODEV.
 */
int upci_region_read(struct upci_dev *dev, unsigned int index, uint64_t offset,
		     void *buf, size_t len);

/**
 * upci_region_write() - write a region, like upci_region_read()
 * @dev: the device
 * @index: the region
 * @offset: offset in it
 * @buf: the bytes
 * @len: how many
 *
 * Return: 0 or -errno, as upci_region_read().
 */
int upci_region_write(struct upci_dev *dev, unsigned int index,
		      uint64_t offset, const void *buf, size_t len);

/**
 * upci_cfg_read() - read config space (virtualized by the kernel)
 * @dev: the device
 * @offset: offset in config space
 * @buf: where to put the bytes
 * @len: 1, 2 or 4, naturally aligned, or longer
 *
 * Values are little-endian, as in the device.  Return: 0 or -errno.
 */
int upci_cfg_read(struct upci_dev *dev, unsigned int offset, void *buf,
		  size_t len);

/**
 * upci_cfg_write() - write config space, like upci_cfg_read()
 * @dev: the device
 * @offset: offset in config space
 * @buf: the bytes
 * @len: 1, 2 or 4, naturally aligned, or longer
 *
 * Return: 0 or -errno.
 */
int upci_cfg_write(struct upci_dev *dev, unsigned int offset, const void *buf,
		   size_t len);

/**
 * upci_bar_map() - map a memory BAR into the process
 * @dev: the device
 * @index: 0-5
 * @addr: out: its address; MMIO goes through the upci_mmio_*() accessors
 * @size: out: its size; may be NULL
 *
 * Mapping the same BAR again returns the same address; the mapping lasts
 * until upci_dev_close().  It is revocable: while the device is reset, or
 * after it is removed, accesses fault (SIGBUS once removed).
 *
 * Return: 0, or -EINVAL (not a mappable BAR), -ENOMEM, -ENODEV.
 */
int upci_bar_map(struct upci_dev *dev, unsigned int index, void **addr,
		 size_t *size);

/*
 * MMIO accessors.  Like the kernel's readl()/writel(): a write is ordered
 * after the program's earlier writes to normal memory (so a descriptor is
 * visible to the device before the doorbell that announces it), and a read
 * is ordered before the program's later reads of normal memory (so DMA
 * data is read only after the status register that announced it).  On x86
 * uncached MMIO is already ordered with normal accesses and a compiler
 * barrier is enough; other architectures need fences.
 */
#if defined(__x86_64__) || defined(__i386__)
#define upci__wmb()	__asm__ __volatile__("" ::: "memory")
#define upci__rmb()	__asm__ __volatile__("" ::: "memory")
#elif defined(__aarch64__)
#define upci__wmb()	__asm__ __volatile__("dmb oshst" ::: "memory")
#define upci__rmb()	__asm__ __volatile__("dmb oshld" ::: "memory")
#else
#define upci__wmb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define upci__rmb()	__atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif

#define UPCI__MMIO(bits)						\
static inline uint##bits##_t upci_mmio_read##bits(const void *base,	\
						  size_t off)		\
{									\
	uint##bits##_t v = *(const volatile uint##bits##_t *)		\
		((const volatile char *)base + off);			\
	upci__rmb();							\
	return v;							\
}									\
static inline void upci_mmio_write##bits(void *base, size_t off,	\
					 uint##bits##_t v)		\
{									\
	upci__wmb();							\
	*(volatile uint##bits##_t *)((volatile char *)base + off) = v;	\
}
UPCI__MMIO(8)
UPCI__MMIO(16)
UPCI__MMIO(32)
UPCI__MMIO(64)
#undef UPCI__MMIO

/* ---------------------------------------------------------------- DMA */

/**
 * upci_dma_open() - a new, empty DMA address space to share between devices
 * @dma: out: the space; the caller holds one reference
 *
 * Devices join it with upci_dev_open(); its backend is that of its first
 * device, and mapping needs at least one device (-ENODEV before).
 *
 * Return: 0 or -ENOMEM.
 */
int upci_dma_open(struct upci_dma **dma);

/**
 * upci_dma_close() - drop the caller's reference to a DMA space
 * @dma: the space, or NULL
 *
 * The space (and every mapping in it) goes when its last device closes.
 */
void upci_dma_close(struct upci_dma *dma);

/**
 * enum upci_dma_flags - flags of upci_dma_map() and upci_dma_alloc()
 * @UPCI_DMA_READ: the device may read the memory
 * @UPCI_DMA_WRITE: the device may write the memory
 * @UPCI_DMA_FIXED: upci_dma_map(): map at *@iova rather than choosing
 * @UPCI_DMA_NO_HUGE: upci_dma_alloc(): use small pages only
 *
 * Neither READ nor WRITE means both.
 */
enum upci_dma_flags {
	UPCI_DMA_READ = 1 << 0,
	UPCI_DMA_WRITE = 1 << 1,
	UPCI_DMA_FIXED = 1 << 2,
	UPCI_DMA_NO_HUGE = 1 << 3,
};

/**
 * upci_dma_map() - let the space's devices reach the caller's memory
 * @dma: the space
 * @va: page-aligned address of the memory
 * @len: bytes, a multiple of the page size
 * @flags: &enum upci_dma_flags
 * @iova: out: where the devices see it (below every device's DMA mask); in
 *	with %UPCI_DMA_FIXED
 *
 * The pages are pinned and count against RLIMIT_MEMLOCK.  A chosen IOVA is
 * aligned like @va within the largest page size that fits, so huge pages
 * map as huge IOMMU pages.
 *
 * Return: 0, or -errno: -ENOMEM over the locked-memory limit, -ENOSPC no
 * free IOVA range fits (or too many mappings), -EEXIST a fixed range is
 * taken, -EINVAL misaligned, -EFAULT memory not mapped, -ENODEV no device.
 */
int upci_dma_map(struct upci_dma *dma, void *va, size_t len,
		 unsigned int flags, uint64_t *iova);

/**
 * upci_dma_unmap() - undo upci_dma_map()
 * @dma: the space
 * @iova: the IOVA upci_dma_map() returned
 * @len: the length it was given
 *
 * When it returns, no device reaches the memory any more.
 * Return: 0, or -ENOENT (nothing mapped there), -EINVAL (part of a mapping).
 */
int upci_dma_unmap(struct upci_dma *dma, uint64_t iova, size_t len);

/**
 * struct upci_dma_buf - a buffer from upci_dma_alloc()
 * @va: its address in the process
 * @iova: its address for the devices
 * @len: its length (the length asked, rounded up to its page size)
 * @huge: 1: hugetlbfs 2 MiB pages; 2: memory aligned and advised for
 *	transparent huge pages; 0: small pages
 */
struct upci_dma_buf {
	void *va;
	uint64_t iova;
	size_t len;
	int huge;
};

/**
 * upci_dma_alloc() - allocate zeroed memory and map it for DMA
 * @dma: the space
 * @len: bytes
 * @flags: &enum upci_dma_flags (READ, WRITE, NO_HUGE)
 * @buf: out: the buffer
 *
 * Buffers of 2 MiB or more come from hugetlbfs pages when the system has
 * free ones, else from memory aligned for transparent huge pages.  The IOVA
 * is below the DMA mask of every device of the space.  The buffer is not
 * inherited by fork() (MADV_DONTFORK) and, once mapped, never collapsed or
 * split by khugepaged (MADV_NOHUGEPAGE): either would revoke its mapping.
 *
 * Return: 0 or -errno as upci_dma_map().
 */
int upci_dma_alloc(struct upci_dma *dma, size_t len, unsigned int flags,
		   struct upci_dma_buf *buf);

/**
 * upci_dma_free() - unmap and free a buffer of upci_dma_alloc()
 * @dma: the space
 * @buf: the buffer; zeroed on return
 *
 * Return: 0 or -errno of the unmap (the memory is freed anyway).
 */
int upci_dma_free(struct upci_dma *dma, struct upci_dma_buf *buf);

/**
 * struct upci_dma_range - a range of usable IOVAs or a revoked mapping
 * @iova: first IOVA
 * @len: length in bytes
 * @va: for a revoked mapping, the process address it mapped; else 0
 */
struct upci_dma_range {
	uint64_t iova;
	uint64_t len;
	uint64_t va;
};

/**
 * upci_dma_event_fd() - an fd that becomes readable when mappings are revoked
 * @dma: the space
 * @fd: out: an eventfd owned by the library, for poll()/epoll
 *
 * The upci backend tears a mapping down at once when the process unmaps or
 * discards its memory; upci_dma_revoked() says which ones.
 *
 * Return: 0, -EOPNOTSUPP on VFIO (which keeps such pages pinned instead),
 * -ENODEV before a device is attached.
 */
int upci_dma_event_fd(struct upci_dma *dma, int *fd);

/**
 * upci_dma_revoked() - read and forget revoked mappings, oldest first
 * @dma: the space
 * @ranges: out: up to @max ranges
 * @max: room in @ranges
 * @count: out: ranges written
 *
 * Return: 0, or -EOPNOTSUPP on VFIO, -ENODEV before a device is attached.
 */
int upci_dma_revoked(struct upci_dma *dma, struct upci_dma_range *ranges,
		     unsigned int max, unsigned int *count);

/**
 * upci_dma_iova_ranges() - the IOVAs the space's devices can use
 * @dma: the space
 * @ranges: out: up to @max ranges (va is 0)
 * @max: room in @ranges
 * @count: out: number of ranges there are (may exceed @max)
 *
 * Return: 0, or -ENODEV before a device is attached.
 */
int upci_dma_iova_ranges(struct upci_dma *dma, struct upci_dma_range *ranges,
			 unsigned int max, unsigned int *count);

/* ---------------------------------------------------------------- interrupts */

/**
 * upci_irq_enable() - enable interrupts of one type
 * @dev: the device
 * @type: %UPCI_INTX, %UPCI_MSI or %UPCI_MSIX
 * @count: vectors (1 for INTx); MSI asks the device for that many
 *
 * Each vector gets an eventfd (upci_irq_fd()).  Enabling another type
 * disables the current one first.
 *
 * Return: 0, or -EOPNOTSUPP (no such type, or the kernel lacks interrupt
 * support), -EINVAL (@count out of range), -ENOMEM, -ENODEV.
 */
int upci_irq_enable(struct upci_dev *dev, unsigned int type,
		    unsigned int count);

/**
 * upci_irq_disable() - disable the device's interrupts
 * @dev: the device
 *
 * Return: 0 or -errno.
 */
int upci_irq_disable(struct upci_dev *dev);

/**
 * upci_irq_fd() - the eventfd of one vector, for poll() or epoll
 * @dev: the device
 * @vector: the vector, below the count given to upci_irq_enable()
 * @fd: out: the fd (owned by the library); read 8 bytes to clear it
 *
 * Return: 0, or -EINVAL.
 */
int upci_irq_fd(struct upci_dev *dev, unsigned int vector, int *fd);

/**
 * upci_irq_wait() - wait for an interrupt on one vector
 * @dev: the device
 * @vector: the vector
 * @timeout_ms: how long, -1 for ever
 * @count: out: interrupts since the last wait (may be NULL)
 *
 * For INTx, the kernel masked the line when it fired: unmask it with
 * upci_irq_unmask() once the device's cause is cleared.
 *
 * Return: 0, -ETIMEDOUT, -EINTR, -EINVAL.
 */
int upci_irq_wait(struct upci_dev *dev, unsigned int vector, int timeout_ms,
		  uint64_t *count);

/**
 * upci_irq_unmask() - unmask INTx after it fired
 * @dev: the device
 *
 * Return: 0, or -EINVAL if INTx is not enabled, -errno.
 */
int upci_irq_unmask(struct upci_dev *dev);

#ifdef __cplusplus
}
#endif

#endif /* UPCI_LIB_H */
