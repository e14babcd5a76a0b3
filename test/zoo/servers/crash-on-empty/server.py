"""crash-on-empty: Parses the request line without checking for an empty read: a client that connects and
closes without sending kills the whole process."""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import StudentServer, crash, main  # noqa: E402


class Server(StudentServer):
    def read_request(self, c):
        req = super().read_request(c)
        if req is None and c.requests == 0:
            # BUG: assumes every connection carries a request. On an empty one the split below
            # raises, and nothing catches it: the server dies with a traceback.
            try:
                method, path, version = c.buf.decode().split('\r\n')[0].split(' ')
            except ValueError:
                crash()
        return req


if __name__ == '__main__':
    main(Server)
