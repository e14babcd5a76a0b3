"""never-closes: Ignores `Connection: close` and HTTP/1.0: every connection is kept open until the client
leaves (or the idle timeout)."""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import StudentServer, main  # noqa: E402


class Server(StudentServer):
    def should_keep_alive(self, req):
        # BUG: "HTTP/1.1 is persistent", so Connection: close and HTTP/1.0 are never looked at.
        return True


if __name__ == '__main__':
    main(Server)
