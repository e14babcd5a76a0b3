"""close-ignored-when-pipelined: Answers "Connection: close" with a close, but only once the requests
already read are served: a request pipelined behind the one that asked to close is answered too."""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import StudentServer, header_tokens, main  # noqa: E402


class Server(StudentServer):
    def read_request(self, c):
        c.asked_close = False
        req = super().read_request(c)
        c.asked_close = req is not None and 'close' in header_tokens(req.headers, 'connection')
        return req

    def serve_one(self, c):
        keep = super().serve_one(c)
        # BUG: "close" is honoured only when nothing more is buffered: the requests already received on
        # the connection are served first (RFC 9112 9.6: no further request may be processed).
        return keep or (getattr(c, 'asked_close', False) and bool(c.buf))


if __name__ == '__main__':
    main(Server)
