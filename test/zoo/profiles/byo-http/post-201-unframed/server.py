"""byo-http/post-201-unframed: answers a stored file with the bytes `HTTP/1.1 201 Created\r\n\r\n OK`: no
Content-Length on a connection it keeps open, so a client cannot tell where the answer ends."""
import os
import sys

# The shared base lives in ../_lib here, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from byo_base import ByoServer, main  # noqa: E402


class Server(ByoServer):
    def send_response(self, conn, req, answer, keep):
        if answer[0] == 201:
            # BUG: the 201 is written by hand, "a status line, a blank line, then a word": no
            # Content-Length and no close, so the " OK" never ends for a client that keeps reading.
            conn.sock.settimeout(self.READ_TIMEOUT)
            conn.sock.sendall(b'HTTP/1.1 201 Created\r\n\r\n OK')
            return
        super().send_response(conn, req, answer, keep)


if __name__ == '__main__':
    main(Server)
