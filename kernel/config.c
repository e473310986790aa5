// SPDX-License-Identifier: GPL-2.0-only
/*
 * upci: virtual config space.
 *
 * Every byte of config space has two masks, built at first open from the
 * tables below:
 *
 *   virt   bits read from, and written to, a virtual copy (vconfig); the
 *          hardware never sees them
 *   write  bits the user may write; the others are read-only
 *
 * A read returns (hardware & ~virt) | (vconfig & virt).  A write updates
 * vconfig for write & virt, and does a read-modify-write of the hardware for
 * write & ~virt, writing back the hardware's own value for every other bit.
 * That is safe only if no read-only bit is write-one-to-clear, so every RW1C
 * status bit below is user-writable (clearing its own error status is
 * harmless).  A handful of registers also have side effects (hooks), listed
 * with the tables.
 *
 * The policy, in one place:
 *
 * - Header: IDs are virtual (a VF reads ~0 there).  COMMAND: I/O, memory,
 *   bus master, parity, SERR and INTx-disable are writable; clearing memory
 *   decode revokes every BAR mapping until it is set again.  INTx-disable is
 *   virtual: the kernel owns the hardware bit (irq.c masks INTx with it), and
 *   every read-modify-write of COMMAND holds intx_lock, as the INTx handler
 *   does, so that no write undoes a mask.  STATUS: error
 *   bits can be cleared.  BARs and the ROM BAR are fully virtual: sizing
 *   works as on hardware, the hardware BARs never change.  Interrupt line is
 *   a virtual scratch byte.  Everything else is read-only.
 * - Power management: the power state is virtual (the function stays in D0);
 *   any state but D0 blocks memory access as the hardware would.  PME enable
 *   and status are writable.
 * - MSI, MSI-X: read-only; the kernel programs them (interrupt ioctls).
 * - PCI Express: Device Control is writable except Phantom Functions (extra
 *   requester IDs escape the IOMMU); Max Payload and Max Read Request are
 *   virtual (they must match the fabric); Initiate FLR resets the function
 *   through the kernel.  Device Status errors can be cleared; Device Control 2
 *   allows completion timeout, AtomicOp requests, IDO and LTR; ARI and the
 *   rest are read-only, as are link, slot and root registers.
 * - Advanced Features: Initiate FLR resets through the kernel.
 * - Vendor-specific capabilities (standard and extended, DVSEC included)
 *   are read/write pass-through after their headers.
 * - VPD is read-only: a VPD transaction started through config space would
 *   bypass the kernel's VPD code, which serializes them against sysfs and
 *   knows the devices that hang on them (emulating it through
 *   pci_read_vpd() is possible once a device needs it).
 * - AER: status, mask and severity registers and ECRC enables are writable.
 * - Every other capability, standard or extended, is read-only pass-through:
 *   SR-IOV, ATS, PRI, PASID, ACS, resizable BAR and the like control
 *   isolation or the kernel's resources.
 * - Space outside every capability is read/write pass-through: some devices
 *   keep registers there, and nothing there is architected.
 */
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "upci_private.h"

/**
 * struct upci_cfg - virtual config space of one device
 * @vconfig: the virtual copy
 * @virt: per byte, the bits read from @vconfig
 * @write: per byte, the bits the user may write
 * @bar_mask: address bits of BAR0-5 and (index 6) the ROM BAR, for sizing
 * @bar_flags: the read-only low bits of each BAR
 * @pm: offset of the power management capability, or 0
 * @exp: offset of the PCI Express capability, or 0
 * @af: offset of the Advanced Features capability, or 0
 */
struct upci_cfg {
	u8 vconfig[PCI_CFG_SPACE_EXP_SIZE];
	u8 virt[PCI_CFG_SPACE_EXP_SIZE];
	u8 write[PCI_CFG_SPACE_EXP_SIZE];
	u32 bar_mask[PCI_STD_NUM_BARS + 1];
	u32 bar_flags[PCI_STD_NUM_BARS + 1];
	u16 pm;
	u16 exp;
	u16 af;
};

#define UPCI_ROM_BAR		PCI_STD_NUM_BARS

/**
 * struct upci_cfg_perm - what the user may do with one register
 * @off: offset in the header or capability
 * @len: size of the register, 1, 2 or 4
 * @virt: bits that are virtual
 * @write: bits the user may write
 */
struct upci_cfg_perm {
	u16 off;
	u8 len;
	u32 virt;
	u32 write;
};

#define PERM(_off, _len, _virt, _write) \
	{ .off = (_off), .len = (_len), .virt = (_virt), .write = (_write) }

#define UPCI_CMD_WRITE	(PCI_COMMAND_IO | PCI_COMMAND_MEMORY |		\
			 PCI_COMMAND_MASTER | PCI_COMMAND_PARITY |	\
			 PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE)
#define UPCI_STATUS_RW1C (PCI_STATUS_PARITY | PCI_STATUS_SIG_TARGET_ABORT | \
			  PCI_STATUS_REC_TARGET_ABORT |			\
			  PCI_STATUS_REC_MASTER_ABORT |			\
			  PCI_STATUS_SIG_SYSTEM_ERROR | PCI_STATUS_DETECTED_PARITY)
/* Emergency Power Reduction Detected (PCIe 5.0), RW1C; not in pci_regs.h */
#define UPCI_DEVSTA_EPRD	0x0040
#define UPCI_DEVSTA_RW1C (PCI_EXP_DEVSTA_CED | PCI_EXP_DEVSTA_NFED |	\
			  PCI_EXP_DEVSTA_FED | PCI_EXP_DEVSTA_URD |	\
			  UPCI_DEVSTA_EPRD)
#define UPCI_DEVCTL_VIRT (PCI_EXP_DEVCTL_BCR_FLR | PCI_EXP_DEVCTL_PAYLOAD | \
			  PCI_EXP_DEVCTL_READRQ)
#define UPCI_DEVCTL2_WRITE (PCI_EXP_DEVCTL2_COMP_TIMEOUT |		\
			    PCI_EXP_DEVCTL2_COMP_TMOUT_DIS |		\
			    PCI_EXP_DEVCTL2_ATOMIC_REQ |		\
			    PCI_EXP_DEVCTL2_IDO_REQ_EN |		\
			    PCI_EXP_DEVCTL2_IDO_CMP_EN |		\
			    PCI_EXP_DEVCTL2_LTR_EN)

/*
 * Type 0 header.  Unlisted: read-only (class, header type, BIST, CardBus CIS,
 * subsystem IDs, capability pointer, interrupt pin, min/max latency).
 * Hooks: COMMAND (decode tracking), BARs and ROM BAR (sizing).
 */
static const struct upci_cfg_perm upci_cfg_header[] = {
	/*   register			len	virtual		user-writable */
	PERM(PCI_VENDOR_ID,		2,	0xffff,		0),
	PERM(PCI_DEVICE_ID,		2,	0xffff,		0),
	PERM(PCI_COMMAND,		2,	PCI_COMMAND_INTX_DISABLE,
	     UPCI_CMD_WRITE),
	PERM(PCI_STATUS,		2,	0,		UPCI_STATUS_RW1C),
	PERM(PCI_CACHE_LINE_SIZE,	1,	0,		0xff),
	PERM(PCI_LATENCY_TIMER,		1,	0,		0xff),
	PERM(PCI_BASE_ADDRESS_0,	4,	~0U,		~0U),
	PERM(PCI_BASE_ADDRESS_1,	4,	~0U,		~0U),
	PERM(PCI_BASE_ADDRESS_2,	4,	~0U,		~0U),
	PERM(PCI_BASE_ADDRESS_3,	4,	~0U,		~0U),
	PERM(PCI_BASE_ADDRESS_4,	4,	~0U,		~0U),
	PERM(PCI_BASE_ADDRESS_5,	4,	~0U,		~0U),
	PERM(PCI_ROM_ADDRESS,		4,	~0U,		~0U),
	PERM(PCI_INTERRUPT_LINE,	1,	0xff,		0xff),
	{ }
};

/* Power management.  Hook: power state (decode tracking) */
static const struct upci_cfg_perm upci_cfg_pm[] = {
	PERM(PCI_PM_CTRL,		2,	PCI_PM_CTRL_STATE_MASK,
	     PCI_PM_CTRL_STATE_MASK | PCI_PM_CTRL_PME_ENABLE |
	     PCI_PM_CTRL_PME_STATUS),
	{ }
};

/* PCI Express.  Hook: Initiate FLR */
static const struct upci_cfg_perm upci_cfg_exp[] = {
	PERM(PCI_EXP_DEVCTL,		2,	UPCI_DEVCTL_VIRT,
	     (u16)~PCI_EXP_DEVCTL_PHANTOM),
	PERM(PCI_EXP_DEVSTA,		2,	0,		UPCI_DEVSTA_RW1C),
	PERM(PCI_EXP_DEVCTL2,		2,	0,		UPCI_DEVCTL2_WRITE),
	{ }
};

/* Advanced Features.  Hook: Initiate FLR */
static const struct upci_cfg_perm upci_cfg_af[] = {
	PERM(PCI_AF_CTRL,		1,	PCI_AF_CTRL_FLR, PCI_AF_CTRL_FLR),
	{ }
};

static const struct upci_cfg_perm upci_cfg_aer[] = {
	PERM(PCI_ERR_UNCOR_STATUS,	4,	0,		~0U),
	PERM(PCI_ERR_UNCOR_MASK,	4,	0,		~0U),
	PERM(PCI_ERR_UNCOR_SEVER,	4,	0,		~0U),
	PERM(PCI_ERR_COR_STATUS,	4,	0,		~0U),
	PERM(PCI_ERR_COR_MASK,		4,	0,		~0U),
	PERM(PCI_ERR_CAP,		4,	0,
	     PCI_ERR_CAP_ECRC_GENE | PCI_ERR_CAP_ECRC_CHKE),
	{ }
};

/**
 * struct upci_cfg_cap - policy for one capability ID
 * @id: capability ID
 * @perms: its writable or virtual registers, ending with an empty entry
 * @open_from: if non-zero, everything from this offset on is read/write
 *	pass-through (vendor-specific capabilities)
 */
struct upci_cfg_cap {
	u16 id;
	const struct upci_cfg_perm *perms;
	u16 open_from;
};

#define CAP(_id, _perms) { .id = (_id), .perms = (_perms) }
#define CAP_OPEN(_id, _from) { .id = (_id), .open_from = (_from) }

/* Standard capabilities; MSI, MSI-X and every unlisted one are read-only */
static const struct upci_cfg_cap upci_cfg_caps[] = {
	CAP(PCI_CAP_ID_PM, upci_cfg_pm),
	CAP(PCI_CAP_ID_EXP, upci_cfg_exp),
	CAP(PCI_CAP_ID_AF, upci_cfg_af),
	CAP_OPEN(PCI_CAP_ID_VNDR, 3),
};

/* Extended capabilities; every unlisted one is read-only */
static const struct upci_cfg_cap upci_cfg_ext_caps[] = {
	CAP(PCI_EXT_CAP_ID_ERR, upci_cfg_aer),
	CAP_OPEN(PCI_EXT_CAP_ID_VNDR, PCI_VNDR_HEADER + 4),
	CAP_OPEN(PCI_EXT_CAP_ID_DVSEC, PCI_DVSEC_HEADER2 + 2),
};

static u32 upci_get_le(const u8 *p, unsigned int len)
{
	u32 v = 0;
	unsigned int i;

	for (i = 0; i < len; i++)
		v |= (u32)p[i] << (8 * i);
	return v;
}

static void upci_put_le(u8 *p, u32 v, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		p[i] = v >> (8 * i);
}

static u32 upci_len_mask(unsigned int len)
{
	return len == 4 ? ~0U : BIT(8 * len) - 1;
}

static void upci_cfg_apply(struct upci_cfg *cfg, unsigned int base,
			   unsigned int end, const struct upci_cfg_perm *perms)
{
	for (; perms && perms->len; perms++) {
		unsigned int pos = base + perms->off;

		if (pos + perms->len > end)
			continue;
		upci_put_le(&cfg->virt[pos], perms->virt, perms->len);
		upci_put_le(&cfg->write[pos], perms->write, perms->len);
	}
}

/* Length of a capability we know, or 0 */
static unsigned int upci_cap_len(struct pci_dev *pdev, u8 id, unsigned int pos)
{
	u16 flags;
	u8 len;

	switch (id) {
	case PCI_CAP_ID_PM:
		return PCI_PM_SIZEOF;
	case PCI_CAP_ID_MSI:
		pci_read_config_word(pdev, pos + PCI_MSI_FLAGS, &flags);
		return (flags & PCI_MSI_FLAGS_64BIT ? 14 : 10) +
		       (flags & PCI_MSI_FLAGS_MASKBIT ? 10 : 0);
	case PCI_CAP_ID_MSIX:
		return PCI_CAP_MSIX_SIZEOF;
	case PCI_CAP_ID_EXP:
		pci_read_config_word(pdev, pos + PCI_EXP_FLAGS, &flags);
		return (flags & PCI_EXP_FLAGS_VERS) >= 2 ?
		       PCI_EXP_SLTSTA2 + 2 : PCI_CAP_EXP_ENDPOINT_SIZEOF_V1;
	case PCI_CAP_ID_AF:
		return PCI_CAP_AF_SIZEOF;
	case PCI_CAP_ID_VPD:
		return PCI_CAP_VPD_SIZEOF;
	case PCI_CAP_ID_VNDR:
		pci_read_config_byte(pdev, pos + PCI_CAP_FLAGS, &len);
		return len;
	}
	return 0;
}

static unsigned int upci_ext_cap_len(struct pci_dev *pdev, u16 id,
				     unsigned int pos)
{
	u32 hdr;

	switch (id) {
	case PCI_EXT_CAP_ID_VNDR:
	case PCI_EXT_CAP_ID_DVSEC:
		/* Same layout: length in bits 31:20 of the second dword */
		pci_read_config_dword(pdev, pos + PCI_VNDR_HEADER, &hdr);
		return PCI_VNDR_HEADER_LEN(hdr);
	}
	return 0;
}

/**
 * struct upci_cap_pos - a capability found in the list
 * @pos: its offset
 * @id: its ID
 */
struct upci_cap_pos {
	u16 pos;
	u16 id;
};

static int upci_cap_pos_cmp(const void *a, const void *b)
{
	const struct upci_cap_pos *x = a, *y = b;

	return x->pos - y->pos;
}

#define UPCI_MAX_CAPS	(PCI_CFG_SPACE_EXP_SIZE / PCI_CAP_SIZEOF)

/*
 * Mark every capability read-only over its length (known, or up to the next
 * capability or the end of its space when unknown), then apply its policy.
 */
static void upci_cfg_mark_caps(struct pci_dev *pdev, struct upci_cfg *cfg,
			       struct upci_cap_pos *caps, unsigned int n,
			       unsigned int space_end, bool ext)
{
	const struct upci_cfg_cap *table = ext ? upci_cfg_ext_caps : upci_cfg_caps;
	unsigned int nr_table = ext ? ARRAY_SIZE(upci_cfg_ext_caps) :
				      ARRAY_SIZE(upci_cfg_caps);
	unsigned int i, j;

	sort(caps, n, sizeof(*caps), upci_cap_pos_cmp, NULL);
	for (i = 0; i < n; i++) {
		unsigned int pos = caps[i].pos;
		unsigned int next = i + 1 < n ? caps[i + 1].pos : space_end;
		unsigned int len, end;

		len = ext ? upci_ext_cap_len(pdev, caps[i].id, pos) :
			    upci_cap_len(pdev, caps[i].id, pos);
		end = len ? min(pos + len, space_end) : next;
		if (end <= pos)
			continue;
		memset(&cfg->write[pos], 0, end - pos);

		for (j = 0; j < nr_table; j++) {
			if (table[j].id != caps[i].id)
				continue;
			if (table[j].open_from && pos + table[j].open_from < end)
				memset(&cfg->write[pos + table[j].open_from],
				       0xff, end - pos - table[j].open_from);
			upci_cfg_apply(cfg, pos, end, table[j].perms);
		}
	}
}

static void upci_cfg_build_caps(struct upci_device *udev)
{
	struct pci_dev *pdev = udev->pdev;
	struct upci_cfg *cfg = udev->cfg;
	struct upci_cap_pos *caps;
	unsigned int n = 0, ttl;
	u16 status;
	u8 pos, id;
	u32 hdr;
	int epos;

	caps = kcalloc(UPCI_MAX_CAPS, sizeof(*caps), GFP_KERNEL);
	if (!caps)
		return;	/* the caller marked everything read-only already */

	pci_read_config_word(pdev, PCI_STATUS, &status);
	if (status & PCI_STATUS_CAP_LIST) {
		pci_read_config_byte(pdev, PCI_CAPABILITY_LIST, &pos);
		for (ttl = 48; ttl && pos >= PCI_STD_HEADER_SIZEOF &&
		     n < UPCI_MAX_CAPS; ttl--) {
			pos &= ~3;
			pci_read_config_byte(pdev, pos + PCI_CAP_LIST_ID, &id);
			if (id == 0xff)
				break;
			caps[n].pos = pos;
			caps[n++].id = id;
			pci_read_config_byte(pdev, pos + PCI_CAP_LIST_NEXT, &pos);
		}
	}
	upci_cfg_mark_caps(pdev, cfg, caps, n, PCI_CFG_SPACE_SIZE, false);

	n = 0;
	epos = PCI_CFG_SPACE_SIZE;
	if (pdev->cfg_size > PCI_CFG_SPACE_SIZE) {
		for (ttl = (PCI_CFG_SPACE_EXP_SIZE - PCI_CFG_SPACE_SIZE) / 8;
		     ttl && epos >= PCI_CFG_SPACE_SIZE && n < UPCI_MAX_CAPS;
		     ttl--) {
			if (pci_read_config_dword(pdev, epos, &hdr) ||
			    !hdr || hdr == ~0U)
				break;
			caps[n].pos = epos;
			caps[n++].id = PCI_EXT_CAP_ID(hdr);
			epos = PCI_EXT_CAP_NEXT(hdr);
		}
		upci_cfg_mark_caps(pdev, cfg, caps, n, pdev->cfg_size, true);
	}
	kfree(caps);
}

static void upci_cfg_build_bars(struct upci_device *udev)
{
	struct pci_dev *pdev = udev->pdev;
	struct upci_cfg *cfg = udev->cfg;
	resource_size_t len;
	unsigned long flags;
	u32 v;
	int i;

	for (i = 0; i < PCI_STD_NUM_BARS; i++) {
		cfg->bar_mask[i] = 0;
		cfg->bar_flags[i] = 0;
	}
	for (i = 0; i < PCI_STD_NUM_BARS; i++) {
		if (!(udev->bars_requested & BIT(i)))
			continue;
		len = pci_resource_len(pdev, i);
		flags = pci_resource_flags(pdev, i);
		if (flags & IORESOURCE_IO) {
			cfg->bar_flags[i] = PCI_BASE_ADDRESS_SPACE_IO;
			cfg->bar_mask[i] = ~(u32)(len - 1) &
					   PCI_BASE_ADDRESS_IO_MASK;
			continue;
		}
		cfg->bar_flags[i] = PCI_BASE_ADDRESS_SPACE_MEMORY;
		if (flags & IORESOURCE_PREFETCH)
			cfg->bar_flags[i] |= PCI_BASE_ADDRESS_MEM_PREFETCH;
		cfg->bar_mask[i] = lower_32_bits(~(u64)(len - 1)) &
				   PCI_BASE_ADDRESS_MEM_MASK;
		if ((flags & IORESOURCE_MEM_64) && i + 1 < PCI_STD_NUM_BARS) {
			cfg->bar_flags[i] |= PCI_BASE_ADDRESS_MEM_TYPE_64;
			cfg->bar_mask[i + 1] = upper_32_bits(~(u64)(len - 1));
		}
	}

	len = pci_resource_len(pdev, PCI_ROM_RESOURCE);
	cfg->bar_flags[UPCI_ROM_BAR] = 0;
	cfg->bar_mask[UPCI_ROM_BAR] = len ? ~(u32)(len - 1) &
					    PCI_ROM_ADDRESS_MASK : 0;

	/* Start from the addresses the kernel assigned */
	for (i = 0; i < PCI_STD_NUM_BARS; i++) {
		u64 addr = 0;

		if (udev->bars_requested & BIT(i))
			addr = pci_bus_address(pdev, i);
		else if (i && (pci_resource_flags(pdev, i - 1) & IORESOURCE_MEM_64) &&
			 (udev->bars_requested & BIT(i - 1)))
			addr = upper_32_bits(pci_bus_address(pdev, i - 1));
		v = (lower_32_bits(addr) & cfg->bar_mask[i]) | cfg->bar_flags[i];
		upci_put_le(&cfg->vconfig[PCI_BASE_ADDRESS_0 + 4 * i], v, 4);
	}
	v = lower_32_bits(pci_bus_address(pdev, PCI_ROM_RESOURCE)) &
	    cfg->bar_mask[UPCI_ROM_BAR];
	upci_put_le(&cfg->vconfig[PCI_ROM_ADDRESS], v, 4);
}

/**
 * upci_cfg_init - build the virtual config space
 * @udev: the device, at first open (open_lock held), BARs mapped
 *
 * Return: 0 or -ENOMEM.
 */
int upci_cfg_init(struct upci_device *udev)
{
	struct pci_dev *pdev = udev->pdev;
	struct upci_cfg *cfg = udev->cfg;
	u16 v16;
	u8 v8;

	lockdep_assert_held(&udev->open_lock);

	if (!cfg) {
		cfg = kzalloc(sizeof(*cfg), GFP_KERNEL);
		if (!cfg)
			return -ENOMEM;
		udev->cfg = cfg;
	}
	memset(cfg->vconfig, 0, sizeof(cfg->vconfig));
	memset(cfg->virt, 0, sizeof(cfg->virt));
	/* The header is read-only unless listed; the rest is open unless listed */
	memset(cfg->write, 0, PCI_STD_HEADER_SIZEOF);
	memset(cfg->write + PCI_STD_HEADER_SIZEOF, 0xff,
	       sizeof(cfg->write) - PCI_STD_HEADER_SIZEOF);
	upci_cfg_apply(cfg, 0, PCI_STD_HEADER_SIZEOF, upci_cfg_header);
	upci_cfg_build_caps(udev);

	upci_put_le(&cfg->vconfig[PCI_VENDOR_ID], pdev->vendor, 2);
	upci_put_le(&cfg->vconfig[PCI_DEVICE_ID], pdev->device, 2);
	/* The user's INTx-disable starts as the hardware's */
	pci_read_config_word(pdev, PCI_COMMAND, &v16);
	upci_put_le(&cfg->vconfig[PCI_COMMAND],
		    v16 & PCI_COMMAND_INTX_DISABLE, 2);
	/* A VF has no memory-enable bit: emulate one */
	if (pdev->is_virtfn) {
		cfg->virt[PCI_COMMAND] |= PCI_COMMAND_MEMORY;
		cfg->vconfig[PCI_COMMAND] |= PCI_COMMAND_MEMORY;
	}
	pci_read_config_byte(pdev, PCI_INTERRUPT_LINE, &v8);
	cfg->vconfig[PCI_INTERRUPT_LINE] = v8;
	upci_cfg_build_bars(udev);

	cfg->pm = pdev->pm_cap;
	cfg->exp = pci_pcie_cap(pdev);
	cfg->af = pci_find_capability(pdev, PCI_CAP_ID_AF);
	if (cfg->exp) {
		pcie_capability_read_word(pdev, PCI_EXP_DEVCTL, &v16);
		upci_put_le(&cfg->vconfig[cfg->exp + PCI_EXP_DEVCTL],
			    v16 & UPCI_DEVCTL_VIRT & ~PCI_EXP_DEVCTL_BCR_FLR, 2);
	}
	return 0;
}

void upci_cfg_free(struct upci_device *udev)
{
	kfree(udev->cfg);
	udev->cfg = NULL;
}

static int upci_hw_read(struct pci_dev *pdev, unsigned int pos,
			unsigned int len, u32 *val)
{
	u16 v16;
	u8 v8;
	int ret;

	switch (len) {
	case 4:
		ret = pci_user_read_config_dword(pdev, pos, val);
		break;
	case 2:
		ret = pci_user_read_config_word(pdev, pos, &v16);
		*val = v16;
		break;
	default:
		ret = pci_user_read_config_byte(pdev, pos, &v8);
		*val = v8;
		break;
	}
	return pcibios_err_to_errno(ret);
}

static int upci_hw_write(struct pci_dev *pdev, unsigned int pos,
			 unsigned int len, u32 val)
{
	int ret;

	switch (len) {
	case 4:
		ret = pci_user_write_config_dword(pdev, pos, val);
		break;
	case 2:
		ret = pci_user_write_config_word(pdev, pos, val);
		break;
	default:
		ret = pci_user_write_config_byte(pdev, pos, val);
		break;
	}
	return pcibios_err_to_errno(ret);
}

/* Kernel accessors, for use under memory_lock (they never wait on a reset) */
static void upci_hw_read_locked(struct pci_dev *pdev, unsigned int pos,
				unsigned int len, u32 *val)
{
	u16 v16;
	u8 v8;

	switch (len) {
	case 4:
		pci_read_config_dword(pdev, pos, val);
		break;
	case 2:
		pci_read_config_word(pdev, pos, &v16);
		*val = v16;
		break;
	default:
		pci_read_config_byte(pdev, pos, &v8);
		*val = v8;
		break;
	}
}

static void upci_hw_write_locked(struct pci_dev *pdev, unsigned int pos,
				 unsigned int len, u32 val)
{
	switch (len) {
	case 4:
		pci_write_config_dword(pdev, pos, val);
		break;
	case 2:
		pci_write_config_word(pdev, pos, val);
		break;
	default:
		pci_write_config_byte(pdev, pos, val);
		break;
	}
}

/*
 * Whether the BARs decode, as the user set it up: COMMAND.MEM (virtual on a
 * VF) and the virtual power state.  Under memory_lock (write); revokes the
 * mappings when decode goes off.
 */
static void upci_cfg_update_decode(struct upci_device *udev)
{
	struct upci_cfg *cfg = udev->cfg;
	bool mem;
	u16 cmd;

	lockdep_assert_held_write(&udev->memory_lock);

	pci_read_config_word(udev->pdev, PCI_COMMAND, &cmd);
	cmd = (cmd & ~cfg->virt[PCI_COMMAND]) |
	      (cfg->vconfig[PCI_COMMAND] & cfg->virt[PCI_COMMAND]);
	mem = cmd & PCI_COMMAND_MEMORY;
	/* Any power state but D0 (0) stops decode */
	if (cfg->pm && (cfg->vconfig[cfg->pm + PCI_PM_CTRL] &
			PCI_PM_CTRL_STATE_MASK))
		mem = false;
	if (udev->mem_enabled && !mem)
		upci_device_revoke_mmaps(udev);
	udev->mem_enabled = mem;
}

static bool upci_overlaps(unsigned int pos, unsigned int len,
			  unsigned int reg, unsigned int reg_len)
{
	return pos < reg + reg_len && reg < pos + len;
}

static int upci_cfg_read_one(struct upci_device *udev, unsigned int pos,
			     unsigned int len, u32 *val)
{
	struct upci_cfg *cfg = udev->cfg;
	u32 virt = upci_get_le(&cfg->virt[pos], len);
	u32 hw = 0;
	int ret;

	if (virt != upci_len_mask(len)) {
		ret = upci_hw_read(udev->pdev, pos, len, &hw);
		if (ret)
			return ret;
	}
	*val = (hw & ~virt) | (upci_get_le(&cfg->vconfig[pos], len) & virt);
	return 0;
}

/* Side effects of a write that touched [pos, pos + len) */
static int upci_cfg_hooks(struct upci_device *udev, unsigned int pos,
			  unsigned int len, u32 val)
{
	struct upci_cfg *cfg = udev->cfg;
	struct pci_dev *pdev = udev->pdev;
	unsigned int i, reg;
	u32 v, cap;
	bool flr = false;

	for (i = 0; i <= PCI_STD_NUM_BARS; i++) {
		reg = i < PCI_STD_NUM_BARS ? PCI_BASE_ADDRESS_0 + 4 * i :
					     PCI_ROM_ADDRESS;
		if (!upci_overlaps(pos, len, reg, 4))
			continue;
		v = upci_get_le(&cfg->vconfig[reg], 4);
		if (i == UPCI_ROM_BAR)
			v &= cfg->bar_mask[i] | PCI_ROM_ADDRESS_ENABLE;
		else
			v = (v & cfg->bar_mask[i]) | cfg->bar_flags[i];
		upci_put_le(&cfg->vconfig[reg], v, 4);
	}

	if (cfg->pm && upci_overlaps(pos, len, cfg->pm + PCI_PM_CTRL, 1)) {
		down_write(&udev->memory_lock);
		upci_cfg_update_decode(udev);
		up_write(&udev->memory_lock);
	}

	/* Initiate FLR: only where the hardware has it, through the kernel */
	reg = cfg->exp + PCI_EXP_DEVCTL;
	if (cfg->exp && upci_overlaps(pos, len, reg, 2) &&
	    cfg->vconfig[reg + 1] & (PCI_EXP_DEVCTL_BCR_FLR >> 8)) {
		cfg->vconfig[reg + 1] &= ~(PCI_EXP_DEVCTL_BCR_FLR >> 8);
		pcie_capability_read_dword(pdev, PCI_EXP_DEVCAP, &cap);
		flr |= !!(cap & PCI_EXP_DEVCAP_FLR);
	}
	reg = cfg->af + PCI_AF_CTRL;
	if (cfg->af && upci_overlaps(pos, len, reg, 1) &&
	    cfg->vconfig[reg] & PCI_AF_CTRL_FLR) {
		cfg->vconfig[reg] &= ~PCI_AF_CTRL_FLR;
		pci_read_config_dword(pdev, cfg->af, &cap);
		flr |= !!((cap >> 24) & PCI_AF_CAP_FLR);
	}
	if (flr)
		return upci_device_reset(udev);
	return 0;
}

static int upci_cfg_write_one(struct upci_device *udev, unsigned int pos,
			      unsigned int len, u32 val)
{
	struct upci_cfg *cfg = udev->cfg;
	struct pci_dev *pdev = udev->pdev;
	u32 write = upci_get_le(&cfg->write[pos], len);
	u32 virt = upci_get_le(&cfg->virt[pos], len);
	u32 vw = write & virt, hw_w = write & ~virt, hw, v;
	unsigned long flags;
	int ret;

	if (vw) {
		v = upci_get_le(&cfg->vconfig[pos], len);
		upci_put_le(&cfg->vconfig[pos], (v & ~vw) | (val & vw), len);
	}

	if (hw_w && upci_overlaps(pos, len, PCI_COMMAND, 2)) {
		/* Decode changes and the revocation happen as one */
		down_write(&udev->memory_lock);
		/* Atomic with the INTx handler's mask (irq.c) */
		spin_lock_irqsave(&udev->intx_lock, flags);
		upci_hw_read_locked(pdev, pos, len, &hw);
		upci_hw_write_locked(pdev, pos, len,
				     (hw & ~hw_w) | (val & hw_w));
		spin_unlock_irqrestore(&udev->intx_lock, flags);
		upci_cfg_update_decode(udev);
		up_write(&udev->memory_lock);
	} else if (hw_w) {
		ret = upci_hw_read(pdev, pos, len, &hw);
		if (!ret)
			ret = upci_hw_write(pdev, pos, len,
					    (hw & ~hw_w) | (val & hw_w));
		if (ret)
			return ret;
	} else if (vw && upci_overlaps(pos, len, PCI_COMMAND, 2)) {
		down_write(&udev->memory_lock);
		upci_cfg_update_decode(udev);
		up_write(&udev->memory_lock);
	}

	if (!vw)
		return 0;
	return upci_cfg_hooks(udev, pos, len, val);
}

/**
 * upci_cfg_rw - read or write virtual config space
 * @udev: the device
 * @buf: kernel buffer, little-endian as config space
 * @count: bytes; the caller checked the range and the alignment rules
 * @pos: offset in config space
 * @write: direction
 *
 * Splits the access into naturally aligned accesses of at most 4 bytes.
 * Return: 0 or -errno.
 */
int upci_cfg_rw(struct upci_device *udev, u8 *buf, size_t count,
		loff_t pos, bool write)
{
	unsigned int len;
	u32 val;
	int ret = 0;

	mutex_lock(&udev->cfg_lock);
	if (udev->dead) {
		ret = -ENODEV;
		goto out;
	}
	while (count) {
		len = 4;
		while (len > count || (pos & (len - 1)))
			len >>= 1;
		if (write) {
			ret = upci_cfg_write_one(udev, pos, len,
						 upci_get_le(buf, len));
		} else {
			ret = upci_cfg_read_one(udev, pos, len, &val);
			if (!ret)
				upci_put_le(buf, val, len);
		}
		if (ret)
			break;
		pos += len;
		buf += len;
		count -= len;
	}
out:
	mutex_unlock(&udev->cfg_lock);
	return ret;
}
