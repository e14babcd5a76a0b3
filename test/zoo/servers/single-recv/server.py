"""single-recv: Reads each request with ONE recv(1024): a request split across TCP segments, or longer
than 1 KiB, is cut."""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import StudentServer, main  # noqa: E402


class Server(StudentServer):
    def read_request(self, c):
        # BUG: one recv per request. Whatever it returns is taken as the whole request: the head is
        # whatever came before the blank line, the body whatever came after it (maybe nothing).
        data = c.sock.recv(1024)
        if not data:
            return None
        return self.request_from_bytes(c, data)


if __name__ == '__main__':
    main(Server)
