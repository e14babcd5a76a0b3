"""cl-over-te: When a request has both Content-Length and Transfer-Encoding, reads Content-Length and
ignores Transfer-Encoding (and keeps the connection open), so a request hidden in a chunk is answered."""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import StudentServer, main  # noqa: E402


class Server(StudentServer):
    def read_body(self, c, req):
        # BUG: Content-Length wins over Transfer-Encoding instead of a 400 (or chunked, then close).
        if any(k.lower() == 'content-length' for k, _ in req.headers):
            req.headers = [(k, v) for k, v in req.headers if k.lower() != 'transfer-encoding']
        return super().read_body(c, req)


if __name__ == '__main__':
    main(Server)
