/* mptcp_socket.h — opening MPTCP sockets, and what a connected one negotiated. */
#ifndef URL_MPTCP_SOCKET_H
#define URL_MPTCP_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* socket(@family, @type, IPPROTO_MPTCP), or a TCP socket when the kernel has no MPTCP
 * (EINVAL, EPROTONOSUPPORT, ENOPROTOOPT: built without it, or net.mptcp.enabled=0).
 * *@is_mptcp says which. Returns the fd or -1 with errno. */
int url__mptcp_socket_open(int family, int type, bool *is_mptcp);

/* Whether @fd is an MPTCP connection that did not fall back to TCP (the server spoke
 * MPTCP): TCP_IS_MPTCP, else MPTCP_INFO's fallback flag. */
bool url__mptcp_is_negotiated(int fd);

/* One subflow of an MPTCP connection. */
typedef struct {
    char local[48], remote[48]; /* numeric addresses */
    int local_port, remote_port;
    int64_t bytes_sent;     /* acknowledged by the peer */
    int64_t bytes_received; /* received in order */
    double rtt;             /* smoothed, seconds */
    uint32_t retransmits;   /* unacknowledged retransmissions now (tcpi_retransmits) */
    uint32_t total_retrans;
    uint32_t backoff; /* RTO backoff exponent now (tcpi_backoff) */
    bool established; /* TCP state ESTABLISHED */
} UrlMptcpSubflow;

/* Fills up to @capacity subflows of connection @fd (MPTCP_TCPINFO with
 * MPTCP_SUBFLOW_ADDRS). Returns how many, 0 when @fd is not MPTCP or fell back. */
size_t url__mptcp_subflows(int fd, UrlMptcpSubflow *subflows, size_t capacity);

#endif
