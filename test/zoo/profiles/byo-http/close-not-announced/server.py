"""byo-http/close-not-announced: closes after a request with "Connection: close" but does not say "Connection: close" in its answer."""
import os
import sys

# The shared base lives in ../_lib here, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from byo_base import ByoServer, main  # noqa: E402


class Server(ByoServer):
    def send_response(self, conn, req, answer, keep):
        asked = req is not None and 'close' in [t.strip().lower() for v in req.header_values('connection') for t in v.split(',')]
        # BUG: the connection is closed after the answer (the loop ends), but the answer is written as
        # if it stayed open: no "Connection: close" tells the client.
        super().send_response(conn, req, answer, keep or (asked and req.version == 'HTTP/1.1'))


if __name__ == '__main__':
    main(Server)
