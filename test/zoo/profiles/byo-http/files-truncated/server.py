"""byo-http/files-truncated: reads a request body with a single recv(1024), so files over 1 KiB are cut."""
import os
import sys

# The shared base lives in ../_lib here, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from byo_base import ByoServer, main  # noqa: E402


class Server(ByoServer):
    def receive_body(self, conn, length):
        if length and not conn.buf:
            conn.recv_more(self.READ_TIMEOUT, 1024)
        # BUG: one recv(1024) "is enough for a body": whatever is past the first 1 KiB is never
        # read as body (it is left in the socket, where it looks like the next request).
        return conn.take(min(length, 1024))


if __name__ == '__main__':
    main(Server)
