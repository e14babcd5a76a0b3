"""head-cl-zero: Answers HEAD with Content-Length: 0 instead of the length GET would give."""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import StudentServer, main  # noqa: E402


class Server(StudentServer):
    def do_HEAD(self, name):
        status, headers, body = self.do_GET(name)
        # BUG: "HEAD has no body", so the body is dropped here, and Content-Length says 0
        # (Content-Type goes too, since there is no body).
        return status, headers, b''


if __name__ == '__main__':
    main(Server)
