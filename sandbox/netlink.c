/* SPDX-License-Identifier: Apache-2.0 */
/* What is set in a sandbox's network namespace through rtnetlink:
 * - netlink_ipv6_configure: the address and route slirp4netns leaves to a
 *   router advertisement that comes only after the guest runs;
 * - netlink_refusals_pass: a classifier on the ingress of the engine's
 *   interface that makes the engine's resets acceptable to a connecting
 *   guest (see there).
 *
 * A child does the work: it joins the namespace (setns), so the library's
 * own threads and namespace are never touched, sends its requests and reads
 * each one's acknowledgement, and exits with 0 or the errno the kernel
 * answered. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <linux/if_addr.h>
#include <linux/if_ether.h>
#include <linux/netlink.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

#include "common/util.h"
#include "sandbox/internal.h"

struct nl_req {
	struct nlmsghdr hdr;
	union {
		struct ifaddrmsg ifa;
		struct rtmsg rt;
		struct tcmsg tc;
	};
	char attrs[128];
};

static void attr_put(struct nl_req *req, unsigned short type, const void *data, size_t len)
{
	struct rtattr *rta = (struct rtattr *)((char *)req + NLMSG_ALIGN(req->hdr.nlmsg_len));
	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	req->hdr.nlmsg_len = NLMSG_ALIGN(req->hdr.nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

/* Starts a request of type that creates something (not there yet) with a
 * body of size bytes, filled in by the caller. */
static void req_begin(struct nl_req *req, unsigned short type, size_t size)
{
	memset(req, 0, sizeof(*req));
	req->hdr.nlmsg_len = (uint32_t)NLMSG_LENGTH(size);
	req->hdr.nlmsg_type = type;
	req->hdr.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
}

/* Opens a nested attribute; nest_end closes it. */
static struct rtattr *nest_begin(struct nl_req *req, unsigned short type)
{
	struct rtattr *rta = (struct rtattr *)((char *)req + NLMSG_ALIGN(req->hdr.nlmsg_len));
	attr_put(req, type, NULL, 0);
	return rta;
}

static void nest_end(struct nl_req *req, struct rtattr *rta)
{
	rta->rta_len = (unsigned short)((char *)req + req->hdr.nlmsg_len - (char *)rta);
}

/* Sends req and reads the kernel's acknowledgement: 0 or -errno. */
static int nl_talk(int fd, struct nl_req *req, uint32_t seq)
{
	req->hdr.nlmsg_seq = seq;
	req->hdr.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	if (sendto(fd, req, req->hdr.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return -errno;
	for (;;) {
		union {
			struct nlmsghdr hdr;
			char buf[4096];
		} ans;
		ssize_t n = recv(fd, &ans, sizeof(ans), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (struct nlmsghdr *h = &ans.hdr; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != seq || h->nlmsg_type != NLMSG_ERROR)
				continue;
			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct nlmsgerr)))
				return -EPROTO;
			const struct nlmsgerr *e = NLMSG_DATA(h);
			return e->error;
		}
	}
}

/* The child's work, in the namespace: 0 or -errno. */
static int configure(const char *ifname, const struct in6_addr *addr, unsigned prefix_len,
		     const struct in6_addr *gateway)
{
	int probe = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (probe < 0)
		return errno == EAFNOSUPPORT ? 0 : -errno; /* a kernel without IPv6 */
	close(probe);
	unsigned ifindex = if_nametoindex(ifname);
	if (!ifindex)
		return -errno;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	struct nl_req req;
	req_begin(&req, RTM_NEWADDR, sizeof(req.ifa));
	req.ifa = (struct ifaddrmsg){
		.ifa_family = AF_INET6,
		.ifa_prefixlen = (unsigned char)prefix_len,
		.ifa_flags = IFA_F_NODAD,
		.ifa_scope = RT_SCOPE_UNIVERSE,
		.ifa_index = ifindex,
	};
	/* Usable at once: no duplicate address detection, whose second of
	 * "tentative" is what the guest would otherwise meet. */
	uint32_t flags = IFA_F_NODAD;
	attr_put(&req, IFA_LOCAL, addr, sizeof(*addr));
	attr_put(&req, IFA_ADDRESS, addr, sizeof(*addr));
	attr_put(&req, IFA_FLAGS, &flags, sizeof(flags));
	int r = nl_talk(fd, &req, 1);
	if (r == -EACCES) {
		/* IPv6 is turned off on the interface (disable_ipv6): nothing
		 * to configure, as on a kernel without it. */
		close(fd);
		return 0;
	}
	if (r == 0) {
		req_begin(&req, RTM_NEWROUTE, sizeof(req.rt));
		req.rt = (struct rtmsg){
			.rtm_family = AF_INET6,
			.rtm_table = RT_TABLE_MAIN,
			.rtm_protocol = RTPROT_STATIC,
			.rtm_scope = RT_SCOPE_UNIVERSE,
			.rtm_type = RTN_UNICAST,
		};
		uint32_t oif = ifindex;
		attr_put(&req, RTA_GATEWAY, gateway, sizeof(*gateway));
		attr_put(&req, RTA_OIF, &oif, sizeof(oif));
		r = nl_talk(fd, &req, 2);
	}
	close(fd);
	return r;
}

/* Runs work(arg) in a child that joined the network namespace ns_fd: what
 * it returned, 0 or -errno (carried as the child's exit status). */
static int in_netns(int ns_fd, int (*work)(const void *arg), const void *arg)
{
	pid_t pid = fork_single_threaded();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (setns(ns_fd, CLONE_NEWNET) < 0)
			_exit(errno);
		int r = work(arg);
		_exit(r < 0 && -r < 256 ? -r : r < 0 ? EIO : 0);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(st) ? -WEXITSTATUS(st) : -EIO;
}

struct ipv6_config {
	const char *ifname;
	const struct in6_addr *addr;
	unsigned prefix_len;
	const struct in6_addr *gateway;
};

static int ipv6_configure(const void *arg)
{
	const struct ipv6_config *c = arg;
	return configure(c->ifname, c->addr, c->prefix_len, c->gateway);
}

int netlink_ipv6_configure(int ns_fd, const char *ifname, const struct in6_addr *addr,
			   unsigned prefix_len, const struct in6_addr *gateway)
{
	struct ipv6_config c = {ifname, addr, prefix_len, gateway};
	return in_netns(ns_fd, ipv6_configure, &c);
}

/* ---- the engine's resets, made acceptable ----
 *
 * pasta (0.0~git20230309, Debian 12's) answers a guest's SYN whose
 * connection the host refuses with a RST that has no ACK flag, though its
 * acknowledgement number is the guest's ISN + 1. A connecting socket
 * (SYN-SENT) drops such a reset, as RFC 793 says it must, sends its SYN
 * again and, after its retries (about two minutes), fails with ETIMEDOUT
 * where Linux with a route of its own fails at once with ECONNREFUSED.
 * This classifier, on the ingress of the engine's interface, sets the ACK
 * flag of every TCP reset that has none (and fixes the checksum): the
 * connecting socket then takes it and connect fails with ECONNREFUSED. A
 * reset of a synchronised connection is taken as before (the ACK is not
 * looked at there). Nothing else is touched. */

#define INSN(c, d, s, o, i) \
	((struct bpf_insn){.code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i)})
#define MOV_REG(d, s)	      INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define MOV_IMM(d, i)	      INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define ALU_IMM(op, d, i)     INSN(BPF_ALU64 | (op) | BPF_K, d, 0, 0, i)
#define LOAD(size, d, s, o)   INSN(BPF_LDX | (size) | BPF_MEM, d, s, o, 0)
#define STORE(size, d, s, o)  INSN(BPF_STX | (size) | BPF_MEM, d, s, o, 0)
#define JUMP_IMM(op, d, i, o) INSN(BPF_JMP | (op) | BPF_K, d, 0, o, i)
#define CALL(f)		      INSN(BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define EXIT()		      INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* Offsets in the frame (an Ethernet header first) and on the stack. */
#define ETH_LEN	  14
#define TCP_FLAGS 13
#define TCP_CSUM  16
#define FLAG_FIN  0x01
#define FLAG_SYN  0x02
#define FLAG_RST  0x04
#define FLAG_ACK  0x10
#define STACK_IP  (-16) /* the IPv4 header's first 10 bytes, IPv6's next header */
#define STACK_TCP (-32) /* the TCP header's first 14 bytes */

struct prog {
	struct bpf_insn insn[64];
	int n;
	int to_out[16]; /* jumps to the end, patched there */
	int nout;
};

static void emit(struct prog *p, struct bpf_insn i)
{
	p->insn[p->n++] = i;
}

/* A jump (op against imm) to the end, which lets the frame pass as it is. */
static void emit_out_if(struct prog *p, int op, int reg, int imm)
{
	p->to_out[p->nout++] = p->n;
	emit(p, JUMP_IMM(op, reg, imm, 0));
}

/* bpf_skb_load_bytes(skb, r2, fp + stack, len); to the end if it fails. */
static void emit_load_bytes(struct prog *p, int stack, int len)
{
	emit(p, MOV_REG(BPF_REG_1, BPF_REG_6));
	emit(p, MOV_REG(BPF_REG_3, BPF_REG_10));
	emit(p, ALU_IMM(BPF_ADD, BPF_REG_3, stack));
	emit(p, MOV_IMM(BPF_REG_4, len));
	emit(p, CALL(BPF_FUNC_skb_load_bytes));
	emit_out_if(p, BPF_JNE, BPF_REG_0, 0);
}

/* r6: the skb; r7: the TCP header's offset; r8: its flags; r9: the
 * 16-bit word holding them, as it was. */
static void prog_build(struct prog *p)
{
	emit(p, MOV_REG(BPF_REG_6, BPF_REG_1));
	emit(p, LOAD(BPF_W, BPF_REG_2, BPF_REG_6, offsetof(struct __sk_buff, protocol)));
	int to_v4 = p->n;
	emit(p, JUMP_IMM(BPF_JEQ, BPF_REG_2, htons(ETH_P_IP), 0));
	emit_out_if(p, BPF_JNE, BPF_REG_2, htons(ETH_P_IPV6));
	/* IPv6: TCP right after the fixed header (the engine adds no
	 * extension headers; a frame with any is let pass). */
	emit(p, MOV_IMM(BPF_REG_2, ETH_LEN + 6));
	emit_load_bytes(p, STACK_IP, 1);
	emit(p, LOAD(BPF_B, BPF_REG_2, BPF_REG_10, STACK_IP));
	emit_out_if(p, BPF_JNE, BPF_REG_2, IPPROTO_TCP);
	emit(p, MOV_IMM(BPF_REG_7, ETH_LEN + 40));
	int to_tcp = p->n;
	emit(p, JUMP_IMM(BPF_JA, 0, 0, 0));
	/* IPv4: TCP, not a fragment after the first, at the header's length. */
	p->insn[to_v4].off = (short)(p->n - to_v4 - 1);
	emit(p, MOV_IMM(BPF_REG_2, ETH_LEN));
	emit_load_bytes(p, STACK_IP, 10);
	emit(p, LOAD(BPF_B, BPF_REG_2, BPF_REG_10, STACK_IP + 9));
	emit_out_if(p, BPF_JNE, BPF_REG_2, IPPROTO_TCP);
	emit(p, LOAD(BPF_H, BPF_REG_2, BPF_REG_10, STACK_IP + 6));
	emit(p, ALU_IMM(BPF_AND, BPF_REG_2, htons(0x1fff)));
	emit_out_if(p, BPF_JNE, BPF_REG_2, 0);
	emit(p, LOAD(BPF_B, BPF_REG_7, BPF_REG_10, STACK_IP));
	emit(p, ALU_IMM(BPF_AND, BPF_REG_7, 0x0f));
	emit(p, ALU_IMM(BPF_LSH, BPF_REG_7, 2));
	emit(p, ALU_IMM(BPF_ADD, BPF_REG_7, ETH_LEN));
	/* TCP: a reset without ACK (nor SYN or FIN) gets the ACK flag. */
	p->insn[to_tcp].off = (short)(p->n - to_tcp - 1);
	emit(p, MOV_REG(BPF_REG_2, BPF_REG_7));
	emit_load_bytes(p, STACK_TCP, TCP_FLAGS + 1);
	emit(p, LOAD(BPF_B, BPF_REG_8, BPF_REG_10, STACK_TCP + TCP_FLAGS));
	emit(p, MOV_REG(BPF_REG_2, BPF_REG_8));
	emit(p, ALU_IMM(BPF_AND, BPF_REG_2, FLAG_FIN | FLAG_SYN | FLAG_RST | FLAG_ACK));
	emit_out_if(p, BPF_JNE, BPF_REG_2, FLAG_RST);
	emit(p, LOAD(BPF_H, BPF_REG_9, BPF_REG_10, STACK_TCP + TCP_FLAGS - 1));
	emit(p, ALU_IMM(BPF_OR, BPF_REG_8, FLAG_ACK));
	emit(p, STORE(BPF_B, BPF_REG_10, BPF_REG_8, STACK_TCP + TCP_FLAGS));
	emit(p, MOV_REG(BPF_REG_1, BPF_REG_6));
	emit(p, MOV_REG(BPF_REG_2, BPF_REG_7));
	emit(p, ALU_IMM(BPF_ADD, BPF_REG_2, TCP_FLAGS));
	emit(p, MOV_REG(BPF_REG_3, BPF_REG_10));
	emit(p, ALU_IMM(BPF_ADD, BPF_REG_3, STACK_TCP + TCP_FLAGS));
	emit(p, MOV_IMM(BPF_REG_4, 1));
	emit(p, MOV_IMM(BPF_REG_5, 0));
	emit(p, CALL(BPF_FUNC_skb_store_bytes));
	emit_out_if(p, BPF_JNE, BPF_REG_0, 0);
	emit(p, MOV_REG(BPF_REG_1, BPF_REG_6));
	emit(p, MOV_REG(BPF_REG_2, BPF_REG_7));
	emit(p, ALU_IMM(BPF_ADD, BPF_REG_2, TCP_CSUM));
	emit(p, MOV_REG(BPF_REG_3, BPF_REG_9));
	emit(p, LOAD(BPF_H, BPF_REG_4, BPF_REG_10, STACK_TCP + TCP_FLAGS - 1));
	emit(p, MOV_IMM(BPF_REG_5, 2)); /* a 16-bit field, not in the pseudo-header */
	emit(p, CALL(BPF_FUNC_l4_csum_replace));
	/* The end: the frame goes on (TC_ACT_OK). */
	for (int i = 0; i < p->nout; i++)
		p->insn[p->to_out[i]].off = (short)(p->n - p->to_out[i] - 1);
	emit(p, MOV_IMM(BPF_REG_0, TC_ACT_OK));
	emit(p, EXIT());
}

/* The program's fd, or -errno. */
static int prog_load(void)
{
	struct prog p = {0};
	prog_build(&p);
	static const char license[] = "GPL"; /* the checksum helpers need it */
	union bpf_attr attr = {0};
	attr.prog_type = BPF_PROG_TYPE_SCHED_CLS;
	attr.insns = (uint64_t)(uintptr_t)p.insn;
	attr.insn_cnt = (uint32_t)p.n;
	attr.license = (uint64_t)(uintptr_t)license;
	memcpy(attr.prog_name, "runsc_c_rst_ack", sizeof("runsc_c_rst_ack"));
	int fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	return fd < 0 ? -errno : fd;
}

/* The classifier prog on the ingress of ifindex: a clsact qdisc, and the
 * program as its filter (direct action). 0 or -errno. */
static int ingress_attach(int fd, unsigned ifindex, int prog)
{
	struct nl_req req;
	req_begin(&req, RTM_NEWQDISC, sizeof(req.tc));
	req.tc = (struct tcmsg){
		.tcm_family = AF_UNSPEC,
		.tcm_ifindex = (int)ifindex,
		.tcm_handle = TC_H_MAKE(TC_H_CLSACT, 0),
		.tcm_parent = TC_H_CLSACT,
	};
	attr_put(&req, TCA_KIND, "clsact", sizeof("clsact"));
	int r = nl_talk(fd, &req, 1);
	if (r < 0)
		return r;
	req_begin(&req, RTM_NEWTFILTER, sizeof(req.tc));
	req.tc = (struct tcmsg){
		.tcm_family = AF_UNSPEC,
		.tcm_ifindex = (int)ifindex,
		.tcm_parent = TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS),
		.tcm_info = TC_H_MAKE(1U << 16, htons(ETH_P_ALL)),
	};
	attr_put(&req, TCA_KIND, "bpf", sizeof("bpf"));
	struct rtattr *opts = nest_begin(&req, TCA_OPTIONS);
	uint32_t prog_fd = (uint32_t)prog, flags = TCA_BPF_FLAG_ACT_DIRECT;
	attr_put(&req, TCA_BPF_FD, &prog_fd, sizeof(prog_fd));
	attr_put(&req, TCA_BPF_NAME, "runsc-c-rst-ack", sizeof("runsc-c-rst-ack"));
	attr_put(&req, TCA_BPF_FLAGS, &flags, sizeof(flags));
	nest_end(&req, opts);
	return nl_talk(fd, &req, 2);
}

/* The child's work, in the namespace: the classifier on every interface
 * but loopback (the engine's one). 0 or -errno. */
static int refusals_pass(const void *unused)
{
	(void)unused;
	int prog = prog_load();
	if (prog < 0)
		return prog;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	struct if_nameindex *ifs = fd < 0 ? NULL : if_nameindex();
	int r = ifs ? 0 : -errno;
	for (struct if_nameindex *i = ifs; i && i->if_index && r == 0; i++)
		if (strcmp(i->if_name, "lo") != 0)
			r = ingress_attach(fd, i->if_index, prog);
	if (ifs)
		if_freenameindex(ifs);
	if (fd >= 0)
		close(fd);
	close(prog);
	return r;
}

int netlink_refusals_pass(int ns_fd)
{
	return in_netns(ns_fd, refusals_pass, NULL);
}
