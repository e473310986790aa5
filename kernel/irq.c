// SPDX-License-Identifier: GPL-2.0-only
/*
 * upci: interrupts, delivered to eventfds.
 *
 * The path of an interrupt: the device raises INTx or writes an MSI/MSI-X
 * message; the interrupt remapping unit checks the requester against the
 * entry the kernel allocated for this device and turns it into a CPU
 * interrupt; the kernel's generic IRQ layer runs our hard interrupt handler,
 * which adds one to the eventfd the user connected to the vector, waking the
 * process that sleeps in read() or epoll on it.  Nothing else runs on that
 * path: no thread, no work item.
 *
 * One type is active at a time (irq_type).  Its per-vector state is an array
 * of struct upci_irq_vec; a vector's eventfd context (trigger) is replaced
 * with WRITE_ONCE() under irq_lock, then synchronize_irq() waits out a
 * handler that may still use the old one before it is put.
 *
 * INTx: level-triggered and maybe shared, so the handler masks it at the
 * device with COMMAND's INTx-disable bit (pci_check_and_mask_intx(), which
 * also tells whether this device is the one asserting the line) and records
 * intx_masked; the user's unmask clears the bit only if the device no longer
 * asserts INTx, and otherwise signals again.  The handler stays installed as
 * long as INTx is active, eventfd or not, so the line never goes unhandled.
 * The kernel owns INTx-disable: in config space it is virtual, every
 * read-modify-write of COMMAND holds intx_lock (as the handler does), and
 * whenever INTx is not active the bit is set in the hardware.  A device
 * whose INTx cannot be masked does not get INTx.
 *
 * MSI: every vector the device offers (or the machine gives) is allocated
 * and requested when MSI is activated; connecting and disconnecting only
 * swap eventfds, and interrupts of a vector without one are dropped.  Many
 * MSI devices cannot mask a vector, so a freed vector would be left firing
 * into an interrupt remapping entry that no longer exists.
 *
 * MSI-X: a vector is allocated (dynamically where the interrupt domain
 * allows, else all at activation) and requested when first connected, and
 * freed (thus masked in the table) when disconnected; the device then keeps
 * its interrupt pending until it is connected again.  The table lives in a
 * BAR, so memory decode is forced on around every operation that writes it,
 * with memory_lock held for writing so that the user sees nothing of it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitfield.h>
#include <linux/bitmap.h>
#include <linux/eventfd.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/msi.h>
#include <linux/nospec.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "upci_private.h"

#define UPCI_IRQ_NONE	(-1)

static bool nointxmask;
module_param(nointxmask, bool, 0644);
MODULE_PARM_DESC(nointxmask,
		 "Treat INTx as impossible to mask, for every device (INTx is then refused)");

/**
 * struct upci_irq_vec - one vector of the active interrupt type
 * @udev: the device
 * @trigger: the eventfd signalled on each interrupt, or NULL
 * @virq: its Linux interrupt number, 0 while not allocated (MSI-X)
 * @requested: our handler is installed
 * @name: the handler's name, as /proc/interrupts shows it
 */
struct upci_irq_vec {
	struct upci_device *udev;
	struct eventfd_ctx *trigger;
	unsigned int virq;
	bool requested;
	char name[40];
};

static const char * const upci_irq_names[UPCI_IRQ_NUM_TYPES] = {
	[UPCI_IRQ_INTX] = "intx",
	[UPCI_IRQ_MSI] = "msi",
	[UPCI_IRQ_MSIX] = "msix",
};

/* ---- COMMAND, shared with the INTx handler ---- */

static void __upci_command_update(struct pci_dev *pdev, u16 mask, u16 val)
{
	u16 cmd, new;

	pci_read_config_word(pdev, PCI_COMMAND, &cmd);
	new = (cmd & ~mask) | (val & mask);
	if (new != cmd)
		pci_write_config_word(pdev, PCI_COMMAND, new);
}

/**
 * upci_command_update - change bits of the hardware COMMAND register
 * @udev: the device
 * @mask: the bits to change
 * @val: their new values
 *
 * Atomic with respect to the INTx handler, which may set INTx-disable at any
 * time while INTx is active.
 */
void upci_command_update(struct upci_device *udev, u16 mask, u16 val)
{
	unsigned long flags;

	spin_lock_irqsave(&udev->intx_lock, flags);
	__upci_command_update(udev->pdev, mask, val);
	spin_unlock_irqrestore(&udev->intx_lock, flags);
}

/* INTx-disable as it must be: clear only while INTx is active and unmasked */
static void upci_intx_sync(struct upci_device *udev)
{
	unsigned long flags;
	bool enable;

	spin_lock_irqsave(&udev->intx_lock, flags);
	enable = udev->irq_type == UPCI_IRQ_INTX && !udev->intx_masked;
	__upci_command_update(udev->pdev, PCI_COMMAND_INTX_DISABLE,
			      enable ? 0 : PCI_COMMAND_INTX_DISABLE);
	spin_unlock_irqrestore(&udev->intx_lock, flags);
}

/* MSI-X table writes need memory decode; under memory_lock (write) */
static u16 upci_irq_decode_on(struct upci_device *udev)
{
	struct pci_dev *pdev = udev->pdev;
	u16 cmd = PCI_COMMAND_MEMORY;

	lockdep_assert_held_write(&udev->memory_lock);
	/* A VF has no memory enable bit: it decodes when its PF says so */
	if (udev->irq_type != UPCI_IRQ_MSIX || pdev->is_virtfn)
		return cmd;
	pci_read_config_word(pdev, PCI_COMMAND, &cmd);
	if (!(cmd & PCI_COMMAND_MEMORY))
		upci_command_update(udev, PCI_COMMAND_MEMORY, PCI_COMMAND_MEMORY);
	return cmd;
}

static void upci_irq_decode_restore(struct upci_device *udev, u16 cmd)
{
	if (!(cmd & PCI_COMMAND_MEMORY))
		upci_command_update(udev, PCI_COMMAND_MEMORY, 0);
}

/* ---- handlers ---- */

static irqreturn_t upci_msi_handler(int irq, void *arg)
{
	struct upci_irq_vec *vec = arg;
	struct eventfd_ctx *trigger = READ_ONCE(vec->trigger);

	if (trigger)
		eventfd_signal(trigger);
	return IRQ_HANDLED;
}

static irqreturn_t upci_intx_handler(int irq, void *arg)
{
	struct upci_irq_vec *vec = arg;
	struct upci_device *udev = vec->udev;
	struct eventfd_ctx *trigger = NULL;
	irqreturn_t ret = IRQ_NONE;
	unsigned long flags;

	spin_lock_irqsave(&udev->intx_lock, flags);
	/* Masked already: the line is asserted by someone else */
	if (!udev->intx_masked && pci_check_and_mask_intx(udev->pdev)) {
		udev->intx_masked = true;
		trigger = READ_ONCE(vec->trigger);
		ret = IRQ_HANDLED;
	}
	spin_unlock_irqrestore(&udev->intx_lock, flags);

	if (trigger)
		eventfd_signal(trigger);
	return ret;
}

/* ---- what the device has ---- */

static bool upci_intx_maskable(struct upci_device *udev)
{
	return !READ_ONCE(nointxmask) && pci_intx_mask_supported(udev->pdev);
}

static unsigned int upci_irq_count(struct upci_device *udev, unsigned int type)
{
	struct pci_dev *pdev = udev->pdev;
	u16 flags;
	int n;

	switch (type) {
	case UPCI_IRQ_INTX:
		return pdev->pin ? 1 : 0;
	case UPCI_IRQ_MSI:
		if (!pdev->msi_cap)
			return 0;
		pci_read_config_word(pdev, pdev->msi_cap + PCI_MSI_FLAGS, &flags);
		return 1 << min_t(unsigned int,
				  FIELD_GET(PCI_MSI_FLAGS_QMASK, flags), 5);
	case UPCI_IRQ_MSIX:
		n = pdev->msix_cap ? pci_msix_vec_count(pdev) : 0;
		return n > 0 ? n : 0;
	}
	return 0;
}

static bool upci_irq_maskable(struct upci_device *udev, unsigned int type)
{
	struct pci_dev *pdev = udev->pdev;
	u16 flags;

	switch (type) {
	case UPCI_IRQ_INTX:
		return pdev->pin && upci_intx_maskable(udev);
	case UPCI_IRQ_MSI:
		if (!pdev->msi_cap)
			return false;
		pci_read_config_word(pdev, pdev->msi_cap + PCI_MSI_FLAGS, &flags);
		return flags & PCI_MSI_FLAGS_MASKBIT;
	case UPCI_IRQ_MSIX:
		return pdev->msix_cap;
	}
	return false;
}

/* ---- activation and teardown, under irq_lock and memory_lock (write) ---- */

static void upci_irq_name(struct upci_device *udev, struct upci_irq_vec *vec,
			  unsigned int type, unsigned int index)
{
	snprintf(vec->name, sizeof(vec->name), "upci-%s[%u](%s)",
		 upci_irq_names[type], index, pci_name(udev->pdev));
}

static void upci_irq_vec_free(struct upci_device *udev,
			      struct upci_irq_vec *vec)
{
	if (vec->requested)
		free_irq(vec->virq, vec);
	vec->requested = false;
	if (vec->trigger)
		eventfd_ctx_put(vec->trigger);
	vec->trigger = NULL;
}

/* Turns the active type off; leaves INTx disabled in the hardware */
static void upci_irq_disable(struct upci_device *udev)
{
	struct pci_dev *pdev = udev->pdev;
	unsigned int i;
	u16 cmd;

	lockdep_assert_held(&udev->irq_lock);
	lockdep_assert_held_write(&udev->memory_lock);
	if (udev->irq_type == UPCI_IRQ_NONE)
		return;

	cmd = upci_irq_decode_on(udev);
	if (udev->irq_type == UPCI_IRQ_INTX) {
		/* Quiet the device first: the line may be shared */
		udev->intx_masked = true;
		upci_intx_sync(udev);
	}
	for (i = 0; i < udev->irq_nvec; i++)
		upci_irq_vec_free(udev, &udev->irq_vecs[i]);
	if (udev->irq_type != UPCI_IRQ_INTX)
		pci_free_irq_vectors(pdev);
	upci_irq_decode_restore(udev, cmd);

	kvfree(udev->irq_vecs);
	udev->irq_vecs = NULL;
	udev->irq_nvec = 0;
	udev->irq_type = UPCI_IRQ_NONE;
	udev->intx_masked = false;
	/* Turning MSI off re-enables INTx: disable it again */
	upci_intx_sync(udev);
}

static int upci_irq_enable_intx(struct upci_device *udev)
{
	struct pci_dev *pdev = udev->pdev;
	struct upci_irq_vec *vec = &udev->irq_vecs[0];
	int ret;

	if (!pdev->irq)
		return -EOPNOTSUPP;
	/*
	 * Installed masked; the caller unmasks once the eventfds are in place,
	 * so that the first interrupt is never lost.
	 */
	udev->intx_masked = true;
	upci_intx_sync(udev);
	vec->virq = pdev->irq;
	upci_irq_name(udev, vec, UPCI_IRQ_INTX, 0);
	ret = request_irq(vec->virq, upci_intx_handler, IRQF_SHARED, vec->name,
			  vec);
	if (ret)
		return ret;
	vec->requested = true;
	return 0;
}

static int upci_irq_enable_msi(struct upci_device *udev, unsigned int need)
{
	struct pci_dev *pdev = udev->pdev;
	unsigned int i;
	int n, ret;

	n = pci_alloc_irq_vectors(pdev, need, udev->irq_nvec, PCI_IRQ_MSI);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		struct upci_irq_vec *vec = &udev->irq_vecs[i];

		vec->virq = pci_irq_vector(pdev, i);
		upci_irq_name(udev, vec, UPCI_IRQ_MSI, i);
		ret = request_irq(vec->virq, upci_msi_handler, 0, vec->name,
				  vec);
		if (ret)
			return ret;	/* the caller frees what was done */
		vec->requested = true;
	}
	return 0;
}

static int upci_irq_enable_msix(struct upci_device *udev, unsigned int need)
{
	struct pci_dev *pdev = udev->pdev;
	unsigned int i;
	int n;

	/*
	 * Where vectors can be added to a live MSI-X, start with one and add
	 * them as they are connected; else take them all now.
	 */
	if (pci_msix_can_alloc_dyn(pdev))
		n = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSIX);
	else
		n = pci_alloc_irq_vectors(pdev, need, udev->irq_nvec,
					  PCI_IRQ_MSIX);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++)
		udev->irq_vecs[i].virq = pci_irq_vector(pdev, i);
	return 0;
}

static int upci_irq_enable(struct upci_device *udev, unsigned int type,
			   unsigned int need)
{
	unsigned int i, n = upci_irq_count(udev, type);
	u16 cmd;
	int ret;

	udev->irq_vecs = kvcalloc(n, sizeof(*udev->irq_vecs),
				  GFP_KERNEL_ACCOUNT);
	if (!udev->irq_vecs)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		udev->irq_vecs[i].udev = udev;
	udev->irq_nvec = n;
	udev->irq_type = type;

	cmd = upci_irq_decode_on(udev);
	switch (type) {
	case UPCI_IRQ_INTX:
		ret = upci_irq_enable_intx(udev);
		break;
	case UPCI_IRQ_MSI:
		ret = upci_irq_enable_msi(udev, need);
		break;
	default:
		ret = upci_irq_enable_msix(udev, need);
		break;
	}
	upci_irq_decode_restore(udev, cmd);
	if (ret)
		upci_irq_disable(udev);
	return ret;
}

/*
 * Connects an MSI-X vector that has no handler yet: the only step of
 * SET_IRQS, activation aside, that can fail.  Takes over @trigger.
 */
static int upci_msix_connect(struct upci_device *udev, unsigned int index,
			     struct eventfd_ctx *trigger)
{
	struct upci_irq_vec *vec = &udev->irq_vecs[index];
	struct msi_msg msg;
	int ret;

	if (!vec->virq) {
		struct msi_map map;

		if (!udev->pdev->msix_enabled ||
		    !pci_msix_can_alloc_dyn(udev->pdev))
			return -ENOSPC;
		map = pci_msix_alloc_irq_at(udev->pdev, index, NULL);
		if (map.index < 0)
			return map.index == -ENOTSUPP ? -ENOSPC : map.index;
		vec->virq = map.virq;
	}
	/*
	 * The user can write the table through a BAR mapping: put the
	 * kernel's message back before the vector is unmasked.
	 */
	get_cached_msi_msg(vec->virq, &msg);
	pci_write_msi_msg(vec->virq, &msg);

	upci_irq_name(udev, vec, UPCI_IRQ_MSIX, index);
	vec->trigger = trigger;
	ret = request_irq(vec->virq, upci_msi_handler, 0, vec->name, vec);
	if (ret) {
		vec->trigger = NULL;
		return ret;
	}
	vec->requested = true;
	return 0;
}

/* Replaces the eventfd of a vector whose handler is installed */
static void upci_irq_swap(struct upci_device *udev, struct upci_irq_vec *vec,
			  struct eventfd_ctx *trigger)
{
	struct eventfd_ctx *old = vec->trigger;

	WRITE_ONCE(vec->trigger, trigger);
	synchronize_irq(vec->virq);
	if (old)
		eventfd_ctx_put(old);
}

/* INTx unmask: under irq_lock, with INTx active */
static void upci_intx_unmask(struct upci_device *udev)
{
	struct upci_irq_vec *vec = &udev->irq_vecs[0];
	bool pending = false;
	unsigned long flags;

	spin_lock_irqsave(&udev->intx_lock, flags);
	if (udev->intx_masked) {
		if (pci_check_and_unmask_intx(udev->pdev))
			udev->intx_masked = false;
		else
			pending = true;	/* still asserted: stay masked */
	}
	spin_unlock_irqrestore(&udev->intx_lock, flags);

	/* The trigger only changes under irq_lock, which we hold */
	if (pending && vec->trigger)
		eventfd_signal(vec->trigger);
}

/*
 * Applies SET_IRQS to the active (or newly activated) type: first every
 * step that can fail, undone on failure, then the swaps, which cannot.
 * Takes over the references in @ctxs it uses and sets those entries to NULL.
 */
static int upci_irq_apply(struct upci_device *udev, unsigned int type,
			  unsigned int start, unsigned int count,
			  const s32 *fds, struct eventfd_ctx **ctxs)
{
	bool activated = false;
	unsigned long *fresh;
	unsigned int i;
	u16 cmd;
	int ret = 0;

	fresh = bitmap_zalloc(count, GFP_KERNEL);
	if (!fresh)
		return -ENOMEM;

	down_write(&udev->memory_lock);
	if (udev->irq_type == UPCI_IRQ_NONE) {
		ret = upci_irq_enable(udev, type, start + count);
		if (ret)
			goto out;
		activated = true;
	}
	/*
	 * The caller checked the range against the count in config space
	 * now; the vector array was sized by the count at activation.  They
	 * differ only if config space changed meanwhile (a device that
	 * reads all-ones on its way out): never index past the array.
	 */
	if (start >= udev->irq_nvec || count > udev->irq_nvec - start) {
		ret = -EINVAL;
		if (activated)
			upci_irq_disable(udev);
		goto out;
	}

	/* MSI vectors exist from activation on; the machine may give fewer */
	for (i = 0; type != UPCI_IRQ_MSIX && i < count; i++) {
		if (!udev->irq_vecs[start + i].requested) {
			ret = -ENOSPC;
			if (activated)
				upci_irq_disable(udev);
			goto out;
		}
	}

	cmd = upci_irq_decode_on(udev);
	if (type == UPCI_IRQ_MSIX) {
		for (i = 0; i < count; i++) {
			struct upci_irq_vec *vec = &udev->irq_vecs[start + i];

			if (!ctxs[i] || vec->requested)
				continue;
			ret = upci_msix_connect(udev, start + i, ctxs[i]);
			if (ret)
				break;
			ctxs[i] = NULL;
			__set_bit(i, fresh);
		}
	}
	if (ret) {
		for_each_set_bit(i, fresh, count)
			upci_irq_vec_free(udev, &udev->irq_vecs[start + i]);
		upci_irq_decode_restore(udev, cmd);
		if (activated)
			upci_irq_disable(udev);
		goto out;
	}

	for (i = 0; i < count; i++) {
		struct upci_irq_vec *vec = &udev->irq_vecs[start + i];

		if (test_bit(i, fresh))
			continue;
		if (ctxs[i]) {
			/* The same eventfd again: keep the reference we hold */
			if (ctxs[i] != vec->trigger)
				upci_irq_swap(udev, vec, ctxs[i]);
			else
				eventfd_ctx_put(ctxs[i]);
			ctxs[i] = NULL;
		} else if (fds[i] == -1 && type == UPCI_IRQ_MSIX) {
			upci_irq_vec_free(udev, vec);
		} else if (fds[i] == -1 && vec->trigger) {
			upci_irq_swap(udev, vec, NULL);
		}
	}
	upci_irq_decode_restore(udev, cmd);

	if (activated && type == UPCI_IRQ_INTX)
		upci_intx_unmask(udev);
out:
	up_write(&udev->memory_lock);
	bitmap_free(fresh);
	return ret;
}

/* ---- ioctls ---- */

int upci_ioctl_irq_info(struct upci_device *udev, void *arg)
{
	struct upci_irq_info *cmd = arg;
	unsigned int type, i;

	if (cmd->type >= UPCI_IRQ_NUM_TYPES)
		return -EINVAL;
	type = array_index_nospec(cmd->type, UPCI_IRQ_NUM_TYPES);

	mutex_lock(&udev->irq_lock);
	if (READ_ONCE(udev->dead)) {
		mutex_unlock(&udev->irq_lock);
		return -ENODEV;
	}
	cmd->out_count = upci_irq_count(udev, type);
	cmd->out_flags = 0;
	cmd->out_connected = 0;
	if (upci_irq_maskable(udev, type)) {
		cmd->out_flags |= UPCI_IRQ_INFO_MASKABLE;
		if (type == UPCI_IRQ_INTX)
			cmd->out_flags |= UPCI_IRQ_INFO_AUTOMASKED;
	}
	if (udev->irq_type == type) {
		cmd->out_flags |= UPCI_IRQ_INFO_ACTIVE;
		for (i = 0; i < udev->irq_nvec; i++)
			if (udev->irq_vecs[i].trigger)
				cmd->out_connected++;
	}
	mutex_unlock(&udev->irq_lock);
	return 0;
}

int upci_ioctl_set_irqs(struct upci_device *udev, void *arg)
{
	struct upci_irq_set *cmd = arg;
	struct eventfd_ctx **ctxs = NULL;
	unsigned int type, start, count, i, max;
	s32 *fds = NULL;
	int ret = 0;

	if (cmd->__reserved || cmd->type >= UPCI_IRQ_NUM_TYPES)
		return -EINVAL;
	type = array_index_nospec(cmd->type, UPCI_IRQ_NUM_TYPES);
	count = cmd->count;

	if (!count) {
		if (cmd->start)
			return -EINVAL;
		mutex_lock(&udev->irq_lock);
		if (READ_ONCE(udev->dead)) {
			ret = -ENODEV;
		} else if (udev->irq_type == type) {
			down_write(&udev->memory_lock);
			upci_irq_disable(udev);
			up_write(&udev->memory_lock);
		}
		mutex_unlock(&udev->irq_lock);
		return ret;
	}

	if (type == UPCI_IRQ_INTX && udev->pdev->pin &&
	    !upci_intx_maskable(udev))
		return -EOPNOTSUPP;
	max = upci_irq_count(udev, type);
	if (cmd->start >= max || count > max - cmd->start)
		return -EINVAL;
	start = array_index_nospec(cmd->start, max);

	fds = memdup_array_user(u64_to_user_ptr(cmd->eventfds), count,
				sizeof(*fds));
	if (IS_ERR(fds))
		return PTR_ERR(fds);
	ctxs = kcalloc(count, sizeof(*ctxs), GFP_KERNEL);
	if (!ctxs) {
		ret = -ENOMEM;
		goto out;
	}
	/* Every descriptor is resolved before anything changes */
	for (i = 0; i < count; i++) {
		struct eventfd_ctx *ctx;

		if (fds[i] == -1)
			continue;
		if (fds[i] < 0) {
			ret = -EINVAL;
			goto out;
		}
		ctx = eventfd_ctx_fdget(fds[i]);
		if (IS_ERR(ctx)) {
			/* -EINVAL: open, but not an eventfd */
			ret = -EBADF;
			goto out;
		}
		ctxs[i] = ctx;
	}

	mutex_lock(&udev->irq_lock);
	if (READ_ONCE(udev->dead))
		ret = -ENODEV;
	else if (udev->irq_type != UPCI_IRQ_NONE && udev->irq_type != type)
		ret = -EBUSY;
	else
		ret = upci_irq_apply(udev, type, start, count, fds, ctxs);
	mutex_unlock(&udev->irq_lock);
out:
	for (i = 0; ctxs && i < count; i++)
		if (ctxs[i])
			eventfd_ctx_put(ctxs[i]);
	kfree(ctxs);
	kfree(fds);
	return ret;
}

int upci_ioctl_irq_unmask(struct upci_device *udev, void *arg)
{
	struct upci_irq_unmask *cmd = arg;
	int ret = 0;

	if (cmd->type != UPCI_IRQ_INTX || cmd->index)
		return -EINVAL;

	mutex_lock(&udev->irq_lock);
	if (READ_ONCE(udev->dead)) {
		ret = -ENODEV;
	} else if (udev->irq_type != UPCI_IRQ_INTX) {
		ret = -ENOENT;
	} else {
		/* Not during a reset: reset_done puts the bit back as it was */
		down_read(&udev->memory_lock);
		upci_intx_unmask(udev);
		up_read(&udev->memory_lock);
	}
	mutex_unlock(&udev->irq_lock);
	return ret;
}

/* ---- life cycle ---- */

/**
 * upci_irq_probe - initialize the interrupt state of a new device
 * @udev: the device, in probe
 */
void upci_irq_probe(struct upci_device *udev)
{
	mutex_init(&udev->irq_lock);
	spin_lock_init(&udev->intx_lock);
	udev->irq_type = UPCI_IRQ_NONE;
}

/**
 * upci_irq_open - first open: no interrupts, INTx disabled in the hardware
 * @udev: the device, under open_lock
 */
void upci_irq_open(struct upci_device *udev)
{
	lockdep_assert_held(&udev->open_lock);
	upci_command_update(udev, PCI_COMMAND_INTX_DISABLE,
			    PCI_COMMAND_INTX_DISABLE);
}

/**
 * upci_irq_shutdown - turn every interrupt off
 * @udev: the device, under open_lock: last close or remove()
 *
 * Frees the vectors and puts the eventfds; waits only for handlers running
 * on other CPUs, never for user space.
 */
void upci_irq_shutdown(struct upci_device *udev)
{
	lockdep_assert_held(&udev->open_lock);
	mutex_lock(&udev->irq_lock);
	down_write(&udev->memory_lock);
	upci_irq_disable(udev);
	up_write(&udev->memory_lock);
	mutex_unlock(&udev->irq_lock);
}

/**
 * upci_irq_reset_done - after a reset, put INTx-disable back as it must be
 * @udev: the device, with memory_lock held for writing (reset_prepare)
 *
 * A reset saves COMMAND before and restores it after; an interrupt masked
 * in between would come back unmasked.  MSI and MSI-X are restored by the
 * PCI core.
 */
void upci_irq_reset_done(struct upci_device *udev)
{
	lockdep_assert_held_write(&udev->memory_lock);
	upci_intx_sync(udev);
}
