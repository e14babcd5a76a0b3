"""version-echo: Echoes the request's version in the status line (`HTTP/2 505 ...`, `HTTP/1.0 200 OK`)."""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import REASONS, StudentServer, main  # noqa: E402


class Server(StudentServer):
    def status_line(self, request_version, status):
        # BUG: answers "in the client's version" instead of the version this server speaks.
        return f'{request_version or "HTTP/1.1"} {status} {REASONS[status]}'


if __name__ == '__main__':
    main(Server)
