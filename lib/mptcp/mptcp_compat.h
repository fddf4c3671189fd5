/* mptcp_compat.h — the one place for what <linux/mptcp.h> of older systems lacks.
 *
 * Debian 12's headers (Linux 6.1) have MPTCP_INFO, MPTCP_TCPINFO and MPTCP_SUBFLOW_ADDRS
 * but not TCP_IS_MPTCP (6.5), MPTCP_FULL_INFO (6.5) or the path-manager enums later
 * kernels added; the running kernel may well have them. Values are the kernel's ABI. */
#ifndef URL_MPTCP_COMPAT_H
#define URL_MPTCP_COMPAT_H

#include <linux/mptcp.h>
#include <netinet/in.h>
#include <sys/socket.h>

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif
#ifndef SOL_MPTCP
#define SOL_MPTCP 284
#endif
#ifndef MPTCP_INFO
#define MPTCP_INFO 1
#endif
#ifndef MPTCP_TCPINFO
#define MPTCP_TCPINFO 2
#endif
#ifndef MPTCP_SUBFLOW_ADDRS
#define MPTCP_SUBFLOW_ADDRS 3
#endif
/* getsockopt(SOL_TCP): 1 on an MPTCP socket that did not fall back to TCP. */
#ifndef TCP_IS_MPTCP
#define TCP_IS_MPTCP 43
#endif
#ifndef MPTCP_INFO_FLAG_FALLBACK
#define MPTCP_INFO_FLAG_FALLBACK (1u << 0)
#endif
#ifndef MPTCP_PM_ADDR_FLAG_BACKUP
#define MPTCP_PM_ADDR_FLAG_BACKUP (1 << 2)
#endif
/* Attributes of MPTCP_PM_CMD_* a 6.1 header may not number. */
#ifndef MPTCP_PM_ADDR_ATTR_IF_IDX
#define MPTCP_PM_ADDR_ATTR_IF_IDX 7
#endif

#endif
