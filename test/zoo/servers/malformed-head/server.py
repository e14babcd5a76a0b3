"""malformed-head: Answers every request with a status line and a Date header ended by bare \\n, no blank line after them, then closes."""
import os
import sys
from email.utils import formatdate

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import HttpError, StudentServer, main  # noqa: E402


class Server(StudentServer):
    def serve_one(self, c):
        try:
            if self.read_request(c) is None:
                return False
        except HttpError:
            pass
        # BUG: the answer is written by hand: '\n' line ends and no blank line after the headers, so no
        # client can tell where the head ends (it ends only because the connection closes).
        c.sock.sendall(f'HTTP/1.1 400 Bad Request\nDate: {formatdate(usegmt=True)}\n'.encode('latin-1'))
        return False


if __name__ == '__main__':
    main(Server)
