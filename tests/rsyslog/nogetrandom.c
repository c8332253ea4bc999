/* Preloaded into rsyslogd by tests/rsyslog/line-id.sh: getrandom() asked for 8 bytes without
 * blocking (what mmmailnorm asks for a worker's ids) fails with EAGAIN, as before the
 * kernel's pool is ready at boot, and each such call adds a line to $NOGETRANDOM_LOG; every
 * other call is the system call's. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <unistd.h>

ssize_t
getrandom(void *const buf, const size_t len, const unsigned flags)
{
	if(len != 8 || flags != GRND_NONBLOCK)
		return syscall(SYS_getrandom, buf, len, flags);
	const char *const log = getenv("NOGETRANDOM_LOG");
	const int fd = log == NULL ? -1 : open(log, O_WRONLY | O_APPEND | O_CREAT, 0644);
	if(fd >= 0) {
		if(write(fd, "failed\n", 7) != 7)
			abort();
		close(fd);
	}
	errno = EAGAIN;
	return -1;
}
