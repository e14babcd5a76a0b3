"""crash-on-close: Parses the empty read of a connection the client closed as a request line, so every
client that closes its connection (after its answers, or without sending anything) kills the process."""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import StudentServer, crash, main  # noqa: E402


class Server(StudentServer):
    def read_request(self, c):
        req = super().read_request(c)
        if req is None:
            # BUG: recv() returned b'' because the client closed; the request line is taken from it anyway.
            try:
                method = bytes(c.buf).decode().split(' ')[1]
            except IndexError:
                crash()
        return req


if __name__ == '__main__':
    main(Server)
