/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * wire.h - the messaging library's wire format: the only place it is
 * written down (the man page libupci-msg(3) points here).
 *
 * Raw Ethernet, unicast from one NIC's MAC to another's, EtherType 0x88B5
 * (IEEE 802 local experimental).  Every frame is one header and at most
 * (MTU - 48) bytes of payload; frames shorter than 60 bytes are padded by
 * the NIC, so the payload length is always taken from the header, never
 * from the frame length.  Multi-byte fields are big-endian.
 *
 *   Ethernet header (14 bytes)
 *   off size field       meaning
 *     0    6 dst MAC     the receiving NIC
 *     6    6 src MAC     the sending NIC
 *    12    2 ethertype   0x88B5
 *   Message header (48 bytes, offsets from the end of the Ethernet header)
 *     0    1 version     1; frames of any other version are dropped
 *     1    1 type        1 DATA (one fragment of one message), 2 ACK (no
 *                        payload: acknowledgement, credit, probe, NAK)
 *     2    1 flags       bit 0 ACK_REQ: answer with an ACK at once (a probe
 *                        for credit or liveness); bit 1 NAK: the receiver
 *                        dropped a frame at seq == ack (gap or no room),
 *                        go back to it now instead of at the time-out
 *     3    1 reserved    0
 *     4    2 dst_ep      endpoint number at the receiver
 *     6    2 src_ep      endpoint number at the sender
 *     8    4 src_session the sender's session with this peer: random, fixed
 *                        for the life of the peer object
 *    12    4 dst_session the receiver's session as the sender last saw it,
 *                        0 while unknown; a frame naming another session is
 *                        stale (the receiver restarted): dropped, answered
 *                        with an ACK that shows the new session, and the
 *                        sender reports -ECONNRESET
 *    16    4 seq         DATA: this frame's sequence number (per direction
 *                        of one endpoint pair, one per frame, wrapping; the
 *                        first frame of a session is UPCI_MSG_WIRE_SEQ0);
 *                        ACK: the sender's next sequence number
 *    20    4 ack         cumulative: the next seq expected from the peer
 *                        (every frame before it arrived)
 *    24    2 credit      frames the sender of this frame accepts beyond
 *                        ack; the peer never sends seq >= ack + credit
 *    26    2 payload_len bytes of payload in this frame
 *    28    4 msg_len     DATA: length of the whole message (0..4 GiB-1)
 *    32    4 frag_off    DATA: where this payload goes in the message;
 *                        0 starts a message, fragments come in order
 *    36    4 imm         DATA: the message's 32-bit immediate (opaque)
 *    40    8 tag         DATA: the message's 64-bit tag (opaque)
 *    48    - payload     payload_len bytes
 *
 * Reliability is go-back-N per endpoint pair: the receiver accepts only
 * seq == its next expected value; anything else is dropped (a duplicate
 * gets an ACK, a gap gets one NAK).  Acknowledgements ride on every frame
 * (piggybacked); an ACK frame goes out when nothing else would carry one.
 */
#ifndef UPCI_MSG_WIRE_H
#define UPCI_MSG_WIRE_H

#include <stdint.h>

#define UPCI_MSG_WIRE_ETHERTYPE	0x88B5
#define UPCI_MSG_WIRE_VERSION	1
#define UPCI_MSG_WIRE_HLEN	48	/* message header, after Ethernet's */

#define UPCI_MSG_WIRE_DATA	1
#define UPCI_MSG_WIRE_ACK	2

#define UPCI_MSG_WIRE_ACK_REQ	(1u << 0)
#define UPCI_MSG_WIRE_NAK	(1u << 1)

/*
 * The first sequence number of every session: 256 frames before the wrap,
 * so that every session longer than that crosses it (as the kernel's
 * jiffies start five minutes before theirs).
 */
#define UPCI_MSG_WIRE_SEQ0	0xffffff00u

/* The message header in wire byte order (big-endian), 48 bytes, packed. */
struct upci_msg_wire_hdr {
	uint8_t version;
	uint8_t type;
	uint8_t flags;
	uint8_t reserved;
	uint16_t dst_ep;
	uint16_t src_ep;
	uint32_t src_session;
	uint32_t dst_session;
	uint32_t seq;
	uint32_t ack;
	uint16_t credit;
	uint16_t payload_len;
	uint32_t msg_len;
	uint32_t frag_off;
	uint32_t imm;
	uint64_t tag;
} __attribute__((packed));

_Static_assert(sizeof(struct upci_msg_wire_hdr) == UPCI_MSG_WIRE_HLEN,
	       "the wire header is 48 bytes");

#endif /* UPCI_MSG_WIRE_H */
