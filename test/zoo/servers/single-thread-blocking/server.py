"""single-thread-blocking: Serves connections one after another on the accept thread: an idle client blocks everyone."""
import os
import sys

# The shared base lives in ../_lib in the zoo, or in ./_lib in a submission folder made from it.
sys.path[:0] = [os.path.join(os.path.dirname(os.path.abspath(__file__)), d, '_lib') for d in ('.', '..')]
from student_base import StudentServer, main  # noqa: E402


class Server(StudentServer):
    def start_connection(self, sock, addr):
        # BUG: no thread: the next accept() waits until this client is done (or idles out, 15 s).
        self.handle_connection(sock, addr)


if __name__ == '__main__':
    main(Server)
