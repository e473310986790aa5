/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * igbvf_regs.h - the 82576 virtual function as igbvf.c uses it: BAR0
 * registers, mailbox bits and messages, advanced descriptors.  Offsets and
 * bits are the datasheet's (Intel 82576 GbE Controller Datasheet, chapter
 * 8.x "Virtual Function Registers" and 7.x descriptors); what QEMU's model
 * does differently is noted in igbvf.c where it matters.
 */
#ifndef UPCI_IGBVF_REGS_H
#define UPCI_IGBVF_REGS_H

#include <stdint.h>

#define IGBVF_BAR0_SIZE		0x4000

/* Registers (BAR0; 32-bit accesses only) */
#define VTCTRL			0x0000
#define   VTCTRL_RST			(1u << 26)
#define VTSTATUS		0x0008
#define   VTSTATUS_LU			(1u << 1)
#define   VTSTATUS_SPEED_SHIFT		6
#define VTEICS			0x1520
#define VTEIMS			0x1524
#define VTEIMC			0x1528
#define VTEIAC			0x152c
#define VTEICR			0x1580
#define VTEITR(v)		(0x1680 + 4 * (v))
#define VTIVAR			0x1700
#define VTIVAR_MISC		0x1740
#define   IVAR_VALID			0x80
#define VMAILBOX		0x0c40
#define VMBMEM(i)		(0x0800 + 4 * (i))
#define VFGPRC			0x0f10		/* good frames received */
#define VFGPTC			0x0f14		/* good frames sent */

/* Queue q registers, q = 0 or 1 */
#define RDBAL(q)		(0x2800 + 0x100 * (q))
#define RDBAH(q)		(0x2804 + 0x100 * (q))
#define RDLEN(q)		(0x2808 + 0x100 * (q))
#define SRRCTL(q)		(0x280c + 0x100 * (q))
#define   SRRCTL_BSIZEPKT_SHIFT		10	/* bytes >> 10 = KiB units */
#define   SRRCTL_DESCTYPE_ADV_ONEBUF	(1u << 25)
#define   SRRCTL_DROP_EN		(1u << 31)
#define RDH(q)			(0x2810 + 0x100 * (q))
#define RDT(q)			(0x2818 + 0x100 * (q))
#define RXDCTL(q)		(0x2828 + 0x100 * (q))
#define TDBAL(q)		(0x3800 + 0x100 * (q))
#define TDBAH(q)		(0x3804 + 0x100 * (q))
#define TDLEN(q)		(0x3808 + 0x100 * (q))
#define TDH(q)			(0x3810 + 0x100 * (q))
#define TDT(q)			(0x3818 + 0x100 * (q))
#define TXDCTL(q)		(0x3828 + 0x100 * (q))
#define   XDCTL_ENABLE			(1u << 25)

/* VMAILBOX bits; PFSTS, PFACK and RSTD clear when read */
#define MBX_REQ			(1u << 0)	/* VF: message for the PF */
#define MBX_ACK			(1u << 1)	/* VF: PF's message read */
#define MBX_VFU			(1u << 2)	/* VF owns the buffer */
#define MBX_PFU			(1u << 3)	/* PF owns the buffer */
#define MBX_PFSTS		(1u << 4)	/* PF wrote a message */
#define MBX_PFACK		(1u << 5)	/* PF read ours */
#define MBX_RSTI		(1u << 6)	/* PF reset in progress */
#define MBX_RSTD		(1u << 7)	/* PF reset done */
#define MBX_R2C			(MBX_PFSTS | MBX_PFACK | MBX_RSTD)
#define MBX_WORDS		16

/* Mailbox message word 0 */
#define MSG_VF_RESET		0x01
#define MSG_SET_MAC_ADDR	0x02
#define MSG_SET_MULTICAST	0x03
#define MSG_SET_LPE		0x05
#define MSG_PF_CONTROL		0x0100
#define MSG_TYPE_MASK		0xffff
#define MSG_INFO_SHIFT		16
#define MSG_CTS			(1u << 29)
#define MSG_NACK		(1u << 30)
#define MSG_ACK			(1u << 31)
#define MSG_MAX_MULTICAST	30

/* Advanced transmit data descriptor (read format) and its write-back */
struct igbvf_tx_desc {
	uint64_t addr;
	uint32_t cmd_type_len;
	uint32_t olinfo_status;
};
#define TXD_DTYP_DATA		(3u << 20)
#define TXD_EOP			(1u << 24)
#define TXD_IFCS		(1u << 25)
#define TXD_RS			(1u << 27)
#define TXD_DEXT		(1u << 29)
#define TXD_PAYLEN_SHIFT	14
#define TXD_STAT_DD		(1u << 0)	/* in olinfo_status, written back */

/* Advanced one-buffer receive descriptor: read format, then write-back */
union igbvf_rx_desc {
	struct {
		uint64_t pkt_addr;
		uint64_t hdr_addr;
	} read;
	struct {
		uint32_t info;
		uint32_t rss;
		uint32_t status_error;
		uint16_t length;
		uint16_t vlan;
	} wb;
};
#define RXD_STAT_DD		(1u << 0)
#define RXD_STAT_EOP		(1u << 1)
#define RXD_ERR_FRAME		0x37000000u	/* CE, SE, SEQ, CXE, RXE */

#endif /* UPCI_IGBVF_REGS_H */
