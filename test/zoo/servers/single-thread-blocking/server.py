"""single-thread-blocking: Serves connections one after another on the accept thread: an idle client blocks everyone."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '_lib'))
from student_base import StudentServer, main  # noqa: E402


class Server(StudentServer):
    def start_connection(self, sock, addr):
        # BUG: no thread: the next accept() waits until this client is done (or idles out, 15 s).
        self.handle_connection(sock, addr)


if __name__ == '__main__':
    main(Server)
