/* tun_delay.c — a delay line for the multipath lab (this kernel has no netem).
 *
 *   tun_delay NAME DELAY_MS
 *
 * Creates TUN device NAME and writes every packet read from it back into it DELAY_MS
 * later, in order. Routed through it (a route into NAME, and a rule sending what comes
 * out of NAME on to the real link), a path gets DELAY_MS more round-trip time. At most
 * 4096 packets wait; more are dropped, as a full queue would. Runs until killed. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define QUEUE   4096
#define MAX_PKT 2048

typedef struct {
    int64_t due_ms;
    size_t length;
    unsigned char data[MAX_PKT];
} Packet;

static Packet queue[QUEUE];
static Packet dropped; /* where a packet goes when the queue is full */

static int64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: tun_delay NAME DELAY_MS\n");
        return 2;
    }
    int delay = atoi(argv[2]);
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    struct ifreq request;
    memset(&request, 0, sizeof request);
    request.ifr_flags = IFF_TUN | IFF_NO_PI;
    snprintf(request.ifr_name, sizeof request.ifr_name, "%s", argv[1]);
    if (fd < 0 || ioctl(fd, TUNSETIFF, &request) != 0) {
        perror("tun_delay: /dev/net/tun");
        return 1;
    }
    printf("ready\n");
    fflush(stdout);
    size_t head = 0, count = 0;
    for (;;) {
        int timeout = -1;
        if (count > 0) {
            int64_t wait = queue[head].due_ms - now_ms();
            timeout = wait < 0 ? 0 : (int)wait;
        }
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, timeout) < 0 && errno != EINTR)
            return 1;
        if (p.revents & POLLIN) {
            Packet *slot = count < QUEUE ? &queue[(head + count) % QUEUE] : &dropped;
            ssize_t n = read(fd, slot->data, sizeof slot->data);
            if (n > 0 && count < QUEUE) {
                slot->length = (size_t)n;
                slot->due_ms = now_ms() + delay;
                count++;
            }
        }
        int64_t now = now_ms();
        while (count > 0 && queue[head].due_ms <= now) {
            if (write(fd, queue[head].data, queue[head].length) < 0 && errno != EIO)
                perror("tun_delay: write");
            head = (head + 1) % QUEUE;
            count--;
        }
    }
}
